import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ProviderEnvironment } from '../config/environment';
import { LOG_DESTINATION, stdoutDestination } from './log-destination';
import { redactPaths } from './log-redaction';

/**
 * Structured JSON logs (pino through nestjs-pino), at LOG_LEVEL. Nest's own Logger writes
 * through it (configureApp calls useLogger), and so does the one line per request, written
 * when the response has been sent (request-log.ts) and carrying the request's id
 * (request-id.ts). nestjs-pino's own request middleware (pino-http) is bound to no route: it
 * made a child logger for every request and needed Fastify's middleware layer, which cost a
 * light endpoint two thirds of its throughput. Nothing secret is logged: see log-redaction.ts.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useFactory: stdoutDestination }],
      inject: [ConfigService, LOG_DESTINATION],
      useFactory: (config: ConfigService<ProviderEnvironment, true>, destination: DestinationStream) => ({
        pinoHttp: [
          { level: config.get('LOG_LEVEL', { infer: true }), redact: { paths: redactPaths, censor: '[REDACTED]' } },
          destination,
        ],
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule {}
