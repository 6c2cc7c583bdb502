import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifySession from '@fastify/session';
import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import handlebars from 'handlebars';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { TypeOrmSessionStore } from './auth/typeorm-session.store';
import { ProviderEnvironment } from './config/environment';
import { resolveSessionSecret } from './config/session-secret';

/** How long a browser session lasts without a new login. */
const SESSION_TTL_SECONDS = 12 * 60 * 60;

/**
 * The HTTP layer: Fastify, with small bodies (OAuth requests are a few hundred bytes).
 * X-Forwarded-Proto/-For are believed only from a proxy on this host (the default HOST is
 * 127.0.0.1): behind a TLS-terminating proxy the request must count as https, or the
 * Secure session cookie of an https ISSUER is never set and nobody can sign in.
 */
export function createAdapter(): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: 64 * 1024, routerOptions: { maxParamLength: 256 }, trustProxy: 'loopback' });
}

/** Everything around the modules that main.ts and the tests share: sessions, security headers, views. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get<ConfigService<ProviderEnvironment, true>>(ConfigService);
  const secure = config.get('ISSUER', { infer: true }).startsWith('https:');

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        // The consent form redirects to the partner's redirect URI; form-action would block that redirect.
        formAction: null,
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    frameguard: { action: 'deny' },
    hsts: secure,
  });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: resolveSessionSecret(config.get('SESSION_SECRET', { infer: true })),
    cookieName: 'sid',
    saveUninitialized: false,
    store: new TypeOrmSessionStore(app.get(DataSource), SESSION_TTL_SECONDS),
    cookie: { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_TTL_SECONDS * 1000 },
  });
  app.setViewEngine({
    engine: { handlebars },
    templates: join(__dirname, 'views'),
    viewExt: 'hbs',
    layout: 'layout',
    defaultContext: { issuer: config.get('ISSUER', { infer: true }) },
  });
  app.enableShutdownHooks();
}
