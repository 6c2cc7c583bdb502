import { Inject, Injectable, LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { redactPaths } from './log-redaction';

/** The root pino logger: one JSON object per line to LOG_DESTINATION (logging.module.ts). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's LoggerService on pino: Nest's own log calls and every `new Logger(context)` in the
 * provider become JSON lines like the request lines. A call's last string argument is its
 * context (Nest's convention); an object argument adds its fields, so a call about a request
 * passes `{ reqId: request.id }` and its line carries the id of the request line. A further
 * string is a stack trace. Objects are censored of credentials (log-redaction.ts).
 */
@Injectable()
export class AppLogger implements LoggerService {
  private readonly logger: Logger;

  constructor(@Inject(ROOT_LOGGER) root: Logger) {
    this.logger = root.child({}, { redact: { paths: redactPaths, censor: '[REDACTED]' } });
  }

  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const strings = params.filter((param): param is string => typeof param === 'string');
    if (strings.length > 0) fields.context = strings.pop();
    if (strings.length > 0) fields.stack = strings.join('\n');
    for (const param of params) if (param !== null && typeof param === 'object') Object.assign(fields, param);
    if (message instanceof Error) {
      fields.err = message;
      this.logger[level](fields, message.message);
    } else if (message !== null && typeof message === 'object') {
      this.logger[level]({ ...fields, ...message });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
