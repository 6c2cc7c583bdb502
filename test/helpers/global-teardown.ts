import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SKIPPED_DIR_VARIABLE, SkipNote } from './requirements';

/** Says loudly, as the run's last words, which specs were skipped for want of a browser or MySQL. */
export default function globalTeardown(): void {
  const dir = process.env[SKIPPED_DIR_VARIABLE];
  if (!dir) return;
  const notes = readdirSync(dir).flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SkipNote),
  );
  rmSync(dir, { recursive: true, force: true });
  const label = { browser: 'browser', mysql: 'MySQL-only' };
  for (const need of ['browser', 'mysql'] as const) {
    const mine = notes.filter((n) => n.need === need);
    if (!mine.length) continue;
    const titles = mine.map((n) => `\n    - ${n.title}`).join('');
    process.stderr.write(
      `\n\x1b[1;33mSKIPPED: ${mine.length} ${label[need]} spec block(s) (${mine[0].missing})${titles}\x1b[0m\n`,
    );
  }
}
