import pino from 'pino';

/** Where log lines go: stdout, one JSON object per line. Tests put a stream of their own here to read them. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/** Asynchronous writes keep logging off the request's path; pino flushes what is pending when the process exits. */
export const stdoutDestination = () => pino.destination({ dest: 1, sync: false });
