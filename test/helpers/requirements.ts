import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Specs that need what a machine may lack. Without it they are skipped, and the run ends with a
 * loud line saying so (global-teardown.ts); with REQUIRE_ALL_SPECS naming the need (as .ci/run
 * does), the missing piece is a failing test instead, so CI cannot pass on a partial suite.
 */

export type Need = 'browser' | 'mysql' | 'galera';

export const CHROMIUM = '/usr/bin/chromium';

const NEEDS: Record<Need, { present: () => boolean; missing: string }> = {
  browser: { present: () => existsSync(CHROMIUM), missing: `no ${CHROMIUM}: install chromium` },
  mysql: {
    present: () => (process.env.DATABASE_URL ?? '').startsWith('mysql://'),
    missing: 'DATABASE_URL is not mysql://',
  },
  galera: {
    present: () => ['GALERA_HAPROXY_URL', 'GALERA_NODE1_URL', 'GALERA_NODE2_URL'].every((name) => process.env[name]),
    missing: 'no Galera cluster: `scripts/galera.sh start`, then `set -a; eval "$(scripts/galera.sh env)"; set +a`',
  },
};

/** Where the run's workers note what they skipped (set by global-setup.ts). */
export const SKIPPED_DIR_VARIABLE = 'SKIPPED_SPECS_DIR';

export interface SkipNote {
  need: Need;
  title: string;
  missing: string;
}

const required = (need: Need) => (process.env.REQUIRE_ALL_SPECS ?? '').split(',').includes(need);

function skipped(need: Need, title: string): void {
  const dir = process.env[SKIPPED_DIR_VARIABLE];
  const note: SkipNote = { need, title, missing: NEEDS[need].missing };
  if (dir) appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(note)}\n`);
}

/** `describe` when `need` is present; otherwise skipped and noted, or failed when required. */
export function describeWith(need: Need, title: string, fn: () => void): void {
  if (NEEDS[need].present()) return describe(title, fn);
  if (required(need)) return describe(title, () => it(`needs ${need}`, () => refuse(need)));
  skipped(need, title);
  describe.skip(title, fn);
}

/** `it` when `need` is present; otherwise skipped and noted, or failed when required. */
export function itWith(need: Need, title: string, fn: () => Promise<void>): void {
  if (NEEDS[need].present()) return it(title, fn);
  if (required(need)) return it(title, () => refuse(need));
  skipped(need, title);
  it.skip(title, fn);
}

function refuse(need: Need): never {
  throw new Error(`REQUIRE_ALL_SPECS names ${need}, but ${NEEDS[need].missing}`);
}
