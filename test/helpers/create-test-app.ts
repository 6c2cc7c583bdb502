import { ConfigService } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import type { DestinationStream } from 'pino';
import request, { Test as Request } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { AdminApiDocument } from '../../src/admin/openapi/admin-api-document';
import { AppModule } from '../../src/app.module';
import { configureApp, createAdapter } from '../../src/app.setup';
import { ApisService } from '../../src/apis/apis.service';
import { ClientsService, ClientWithSecret } from '../../src/clients/clients.service';
import { ClientMetadataDto } from '../../src/clients/dto/client-metadata.dto';
import { Environment, validateEnvironment } from '../../src/config/environment';
import { InvalidRequestError } from '../../src/common/oauth/oauth.error';
import { LOG_DESTINATION } from '../../src/logging/log-destination';
import { UserEntity } from '../../src/users/entities/user.entity';
import { UsersService } from '../../src/users/users.service';
import { conformsTo } from './openapi-conformance';

export interface TestApp {
  app: NestFastifyApplication;
  /**
   * A client of the app's HTTP server without cookies. This and `browser` check every answer of
   * the admin API against the admin API's OpenAPI document (checkingAdminAnswers).
   */
  http: () => TestAgent;
  /** A browser: a cookie jar kept across requests. */
  browser: () => TestAgent;
  createUser(
    overrides?: Partial<{ username: string; password: string; isAdmin: boolean; email: string; name: string }>,
  ): Promise<UserEntity & { password: string }>;
  createClient(metadata?: ClientMetadataDto): Promise<ClientWithSecret>;
  close(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/**
 * Every test request comes from 127.0.0.1, hundreds per file: the per-address limits would refuse them.
 * brute-force.e2e-spec.ts and rate-limits.e2e-spec.ts prove the limits with their own settings.
 */
export const GENEROUS_RATE_LIMITS = {
  RATE_LIMIT_LOGIN_FAILURES: '1000000',
  RATE_LIMIT_CLIENT_AUTH_FAILURES: '1000000',
  RATE_LIMIT_OAUTH: '1000000',
  RATE_LIMIT_REGISTRATIONS: '1000000',
};

/** The same limits at their defaults, for the specs that prove the defaults. */
export const DEFAULT_RATE_LIMITS = Object.fromEntries(
  Object.keys(GENEROUS_RATE_LIMITS).map((name) => [name, String(new Environment()[name as keyof Environment])]),
);

/**
 * The API whose scopes the specs register their clients with (a client may only hold scopes an
 * API defines, or the built-in ones). Registered once per database (createTestApp).
 */
export const TEST_API = {
  identifier: 'https://api.test.example',
  name: 'Test API',
  scopes: ['read', 'write', 'api', 'api:read', 'api:write', 'reports'].map((name) => ({
    name,
    description: `Test scope ${name}`,
  })),
};

/** Registers TEST_API, unless this database has it already (another app of the run registered it). */
async function registerTestApi(app: NestFastifyApplication): Promise<void> {
  try {
    await app.get(ApisService).create(TEST_API);
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Has every request of `agent` under /admin check its answer against the admin API's OpenAPI
 * document (helpers/openapi-conformance.ts), before the spec's own expectations: whatever the
 * specs do with the admin API, the document describes what they get, or they fail.
 */
function checkingAdminAnswers(agent: TestAgent, app: NestFastifyApplication): TestAgent {
  const document = app.get(AdminApiDocument).get();
  for (const method of METHODS) {
    const send = agent[method].bind(agent) as (url: string) => Request;
    Object.assign(agent, {
      [method]: (url: string) => {
        const test = send(url);
        return url.startsWith('/admin') ? test.expect(conformsTo(document, method, url)) : test;
      },
    });
  }
  return agent;
}

/**
 * The real application, configured exactly as main.ts does, on the test
 * database. `env` overrides settings for this app only. Logs are silent unless TEST_LOG
 * is set or `env` names a LOG_LEVEL; `logDestination` receives them instead of stdout.
 * `testApi: false` leaves TEST_API unregistered (on a database of the spec's own).
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { logDestination?: DestinationStream; testApi?: boolean } = {},
): Promise<TestApp> {
  const environment = validateEnvironment({
    ...process.env,
    LOG_LEVEL: process.env.TEST_LOG ? 'warn' : 'silent',
    ...GENEROUS_RATE_LIMITS,
    ...env,
  });
  const config = new ConfigService(environment);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(environment)] })
    .overrideProvider(ConfigService)
    .useValue(config)
    .overrideProvider(LOG_DESTINATION)
    .useFactory({ factory: () => options.logDestination ?? process.stdout })
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(environment), {
    logger: process.env.TEST_LOG ? ['error', 'warn'] : false,
  });
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  if (options.testApi !== false) await registerTestApi(app);
  const server = app.getHttpServer();
  return {
    app,
    http: () => checkingAdminAnswers(request(server), app),
    browser: () => checkingAdminAnswers(request.agent(server), app),
    async createUser(overrides = {}) {
      const password = overrides.password ?? 'correct horse battery staple';
      const user = await app.get(UsersService).create({ username: uniqueName('user'), ...overrides, password });
      return Object.assign(user, { password });
    },
    createClient(metadata = {}) {
      return app.get(ClientsService).create({
        name: 'Test Partner',
        redirect_uris: ['https://partner.example/callback'],
        grant_types: ['authorization_code'],
        scope: 'openid profile email',
        ...metadata,
      });
    },
    close: () => app.close(),
  };
}
