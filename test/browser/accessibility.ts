import AxeBuilder from '@axe-core/playwright';
import { Page } from 'playwright-core';

/** The widths every page is scanned at: a desktop window and a small phone. */
export const WIDTHS = {
  desktop: { width: 1024, height: 768 },
  phone: { width: 360, height: 640 },
} as const;

/**
 * The page's serious and critical accessibility violations (axe-core's WCAG 2.1 A and AA rules),
 * each as "rule: the elements it found", so that a failing test says what to fix. Empty when the
 * page passes.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Legacy mode runs axe in the page alone: the provider's pages have no frames, and the default
  // mode opens a blank page to merge the frames' results, which takes seconds per scan.
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .options({ resultTypes: ['violations'] })
    .setLegacyMode()
    .analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}
