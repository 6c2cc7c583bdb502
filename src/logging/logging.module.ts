import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import pino, { DestinationStream } from 'pino';
import { ProviderEnvironment } from '../config/environment';
import { AppLogger, ROOT_LOGGER } from './app-logger';
import { LOG_DESTINATION, stdoutDestination } from './log-destination';

/**
 * Structured JSON logs (pino), at LOG_LEVEL: one line per request (request-log.ts, installed by
 * configureApp) carrying its id (request-id.ts), and Nest's own log calls through AppLogger.
 * Nothing secret is logged: see log-redaction.ts.
 */
@Global()
@Module({
  providers: [
    { provide: LOG_DESTINATION, useFactory: stdoutDestination },
    {
      provide: ROOT_LOGGER,
      inject: [ConfigService, LOG_DESTINATION],
      useFactory: (config: ConfigService<ProviderEnvironment, true>, destination: DestinationStream) =>
        pino({ level: config.get('LOG_LEVEL', { infer: true }) }, destination),
    },
    AppLogger,
  ],
  exports: [ROOT_LOGGER, AppLogger],
})
export class LoggingModule {}
