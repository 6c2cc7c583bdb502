import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import handlebars from 'handlebars';
import { Logger, PinoLogger } from 'nestjs-pino';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { publishAdminApiDocument } from './admin/openapi/publish-admin-api-document';
import { csrfCookieKey, useCsrfCookie } from './auth/csrf-cookie';
import { SESSION_TTL_SECONDS } from './auth/session.entity';
import { TypeOrmSessionStore } from './auth/typeorm-session.store';
import { ProviderEnvironment } from './config/environment';
import { clientErrorHandler, frameworkErrors } from './common/http/transport-errors';
import { parseTrustProxy } from './common/http/trust-proxy';
import { onPagesOnly } from './common/http/pages-only';
import { addSecurityHeaders, securityHeaders } from './common/http/security-headers';
import { resolveSessionSecret } from './config/session-secret';
import { TransactionsService } from './database/transactions.service';
import { echoRequestId, requestId } from './logging/request-id';
import { logRequests } from './logging/request-log';
import { observeResponses, serveMetrics } from './metrics/metrics-listener';
import { ProviderMetrics } from './metrics/provider-metrics';

/**
 * How often Node looks for requests past HTTP_REQUEST_TIMEOUT or HTTP_HEADERS_TIMEOUT: its
 * default, 30 s, would let a body trickled a byte at a time hold a connection that long.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/**
 * The HTTP layer: Fastify, with small bodies (OAuth requests are a few hundred bytes), and
 * timeouts and a connection cap so that slow or idle clients cannot hold every connection.
 * X-Forwarded-Proto/-For are believed only from the proxies TRUST_PROXY names: behind a
 * TLS-terminating proxy the request must count as https, or the Secure session cookie of an
 * https ISSUER is never set and nobody can sign in.
 * Every request gets an id for its log lines (logging/request-id.ts).
 */
export function createAdapter(env: ProviderEnvironment): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 256 },
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    requestTimeout: env.HTTP_REQUEST_TIMEOUT * 1000,
    keepAliveTimeout: env.HTTP_KEEP_ALIVE_TIMEOUT * 1000,
    http: {
      headersTimeout: env.HTTP_HEADERS_TIMEOUT * 1000,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    genReqId: requestId,
    // Requests refused before routing still answer in the RFC 6749 §5.2 shape (common/http/transport-errors.ts).
    frameworkErrors,
    clientErrorHandler,
  });
  adapter.getInstance().server.maxConnections = env.HTTP_MAX_CONNECTIONS;
  return adapter;
}

/** Everything around the modules that main.ts and the tests share: sessions, security headers, views. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  // Nest's own log calls (the exception filter's, start-up's) become pino lines like the request lines.
  app.useLogger(app.get(Logger));
  // The admin API's OpenAPI document, built once from its controllers (admin/openapi).
  publishAdminApiDocument(app);
  const server = app.getHttpAdapter().getInstance();
  server.addHook('onRequest', echoRequestId);
  logRequests(server, await app.resolve(PinoLogger));
  const config = app.get<ConfigService<ProviderEnvironment, true>>(ConfigService);
  // Every response counted; with METRICS_PORT set, served on that port (metrics/metrics-listener.ts).
  const metrics = app.get(ProviderMetrics);
  observeResponses(server, metrics.http);
  await serveMetrics(metrics, server, config.get('METRICS_PORT', { infer: true }), config.get('HOST', { infer: true }));
  const secure = config.get('ISSUER', { infer: true }).startsWith('https:');

  // Helmet's headers, worked out once (common/http/security-headers.ts).
  const headers = await securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        // Script files served from /assets only (the console's copy button); never inline.
        scriptSrc: ["'self'"],
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
  addSecurityHeaders(server, headers);
  const sessionSecret = resolveSessionSecret(config.get('SESSION_SECRET', { infer: true }));
  await app.register(fastifyCookie, { secret: csrfCookieKey(sessionSecret) });
  useCsrfCookie(server, secure);
  // Only the pages use the session; the APIs skip it (common/http/pages-only.ts).
  await app.register(onPagesOnly(fastifySession), {
    secret: sessionSecret,
    cookieName: 'sid',
    saveUninitialized: false,
    store: new TypeOrmSessionStore(app.get(DataSource), app.get(TransactionsService), SESSION_TTL_SECONDS),
    cookie: { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_TTL_SECONDS * 1000 },
  });
  app.setViewEngine({
    engine: { handlebars },
    templates: join(__dirname, 'views'),
    viewExt: 'hbs',
    layout: 'layout',
    defaultContext: { issuer: config.get('ISSUER', { infer: true }) },
  });
  // On SIGTERM or SIGINT Nest stops accepting, lets the requests in flight finish, and only
  // then closes the database pool (Fastify closes before the shutdown hooks run). Then exit 0:
  // a clean stop, rather than dying of the signal again.
  app.enableShutdownHooks([], { useProcessExit: true });
}
