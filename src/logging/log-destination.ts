import pino from 'pino';

/** Where log lines go: stdout, one JSON object per line. Tests put a stream of their own here to read them. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * Asynchronous writes keep logging off the request's path; pino flushes what is pending when the
 * process exits. Lines wait for a write in chunks of at most 4 KiB rather than the default 16 KiB:
 * the stream measures the byte length of the chunk being filled on every line, which at 16 KiB
 * cost a request line more than building it.
 */
export const stdoutDestination = () => pino.destination({ dest: 1, sync: false, maxWrite: 4096 });
