import { Module, RequestMethod } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ProviderEnvironment } from '../config/environment';
import { LOG_DESTINATION, stdoutDestination } from './log-destination';
import { logSerializers, redactPaths } from './log-redaction';

/**
 * Structured JSON logs (pino): one line per request, carrying its id (Fastify's request id,
 * see request-id.ts), and every line written inside a request carries that id too. Nest's
 * own Logger writes through it (configureApp calls useLogger). Nothing secret is logged:
 * see log-redaction.ts.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useFactory: stdoutDestination }],
      inject: [ConfigService, LOG_DESTINATION],
      useFactory: (config: ConfigService<ProviderEnvironment, true>, destination: DestinationStream) => ({
        pinoHttp: [
          {
            level: config.get('LOG_LEVEL', { infer: true }),
            // Lines logged inside a request carry only its id; the request line itself carries the rest.
            quietReqLogger: true,
            serializers: logSerializers,
            redact: { paths: redactPaths, censor: '[REDACTED]' },
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
          },
          destination,
        ],
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
      }),
    }),
  ],
})
export class LoggingModule {}
