import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const SECRET_FILE = './data/session-secret';

/**
 * SESSION_SECRET when set (required in production); otherwise one made on
 * first start and kept under ./data, so sessions survive a restart.
 */
export function resolveSessionSecret(configured: string | undefined): string {
  if (configured) return configured;
  if (existsSync(SECRET_FILE)) return readFileSync(SECRET_FILE, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(SECRET_FILE), { recursive: true });
  writeFileSync(SECRET_FILE, secret, { mode: 0o600 });
  return secret;
}

/**
 * A key of its own for each thing the session secret signs besides the session cookie (`purpose`
 * names it): a signature made for one use is never valid for another.
 */
export function keyFor(sessionSecret: string, purpose: string): string {
  return createHmac('sha256', sessionSecret).update(purpose).digest('base64url');
}
