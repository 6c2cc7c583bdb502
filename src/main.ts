import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createAdapter } from './app.setup';
import { ConfigurationError, ProviderEnvironment } from './config/environment';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(), { abortOnError: false });
  await configureApp(app);
  const config = app.get<ConfigService<ProviderEnvironment, true>>(ConfigService);
  await app.listen(config.get('PORT', { infer: true }), config.get('HOST', { infer: true }));
  console.log(`Provider listening at ${config.get('ISSUER', { infer: true })}`);
}

bootstrap().catch((error: Error) => {
  console.error(error instanceof ConfigurationError ? error.message : `Start-up failed: ${error.message}`);
  process.exit(1);
});
