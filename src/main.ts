import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createAdapter } from './app.setup';
import { startCluster } from './cluster';
import { ConfigurationError, ProviderEnvironment, validateEnvironment } from './config/environment';

async function bootstrap(): Promise<void> {
  if (startCluster()) return; // WORKERS > 1: this process only supervises the workers (cluster.ts).
  // Nest's start-up logs are held back until the server listens. On a failed start
  // Nest would log the error itself (with a stack trace, on stderr) before rethrowing
  // it to us; held back, it never prints, and the operator sees only the line below.
  const environment = validateEnvironment(process.env);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(environment),
    createAdapter(environment),
    {
      abortOnError: false,
      bufferLogs: true,
      autoFlushLogs: false,
    },
  );
  await configureApp(app);
  const config = app.get<ConfigService<ProviderEnvironment, true>>(ConfigService);
  await app.listen(config.get('PORT', { infer: true }), config.get('HOST', { infer: true }));
  app.flushLogs();
  console.log(`Provider listening at ${config.get('ISSUER', { infer: true })}`);
}

bootstrap().catch((error: Error) => {
  const message = error instanceof ConfigurationError ? error.message : `Start-up failed: ${error.message}`;
  // One line, whatever the error: some messages (Nest's own, drivers') span several.
  console.error(message.replace(/\s*\n\s*/g, ' '));
  process.exit(1);
});
