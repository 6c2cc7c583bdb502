// One scrypt derivation in a thread of PasswordHasher's pool (password-hasher.ts). Plain
// JavaScript so that the same file runs from src/ under the tests and, copied, from dist/.
// scryptSync, not scrypt: the asynchronous one would hand the work back to libuv's thread
// pool, the one that signs tokens, which is what this pool exists to keep it off.
import { scryptSync } from 'node:crypto';

export default ({ password, salt, keyLength, options }) => scryptSync(password, salt, keyLength, options);
