import { sha256 } from '../common/crypto/tokens';

/**
 * The key under which sign-in attempts for a username are counted: the username folded, then hashed.
 *
 * Folded more coarsely than any collation the users table may compare with (MySQL's
 * utf8mb4_unicode_ci ignores case, accents, trailing spaces and ignorable characters): every
 * spelling the database could match to one account must land on one counter, or each spelling
 * would bring its own allowance of guesses. Folding too much costs nothing: strangers may share a
 * counter, but anyone can already put a username into back-off just by naming it.
 * Hashed because people type their password into the username field; rows live a day at most.
 */
export function usernameKey(username: string): string {
  const folded = username
    .normalize('NFKD')
    .replace(/[\p{M}\p{C}\p{Z}\s]/gu, '')
    // Upper then lower case folds more than lower case alone: ß -> SS -> ss.
    .toUpperCase()
    .toLowerCase();
  return sha256(folded);
}
