import pino from 'pino';

/** Where log lines go: stdout, one JSON object per line. Tests put a stream of their own here to read them. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * Asynchronous writes keep logging off the request's path. Lines are gathered into writes of
 * 4 KiB (under load, a dozen lines per system call rather than one) and flushed at least every
 * quarter second, so a quiet provider's lines are still on stdout at once; pino flushes what is
 * pending when the process exits.
 */
export const stdoutDestination = () => pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 });
