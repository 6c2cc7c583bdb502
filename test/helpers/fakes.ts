import { ConfigService } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { ApiRegistry } from '../../src/apis/api-registry';
import { ApiStore } from '../../src/apis/api.store';
import { ApisService } from '../../src/apis/apis.service';
import { ApiEntity } from '../../src/apis/entities/api.entity';
import { AuditRecord, AuditService } from '../../src/audit/audit.service';
import { AuthorizationCodeStore, NewAuthorizationCode } from '../../src/auth-codes/authorization-code.store';
import { AuthorizationCodeEntity } from '../../src/auth-codes/entities/authorization-code.entity';
import { ClientResolver } from '../../src/clients/client-resolver';
import { ClientStore } from '../../src/clients/client.store';
import { ClientEntity } from '../../src/clients/entities/client.entity';
import { ProviderEnvironment } from '../../src/config/environment';
import { ProviderMetrics } from '../../src/metrics/provider-metrics';
import { TransactionsService } from '../../src/database/transactions.service';
import { GrantEntity } from '../../src/grants/grant.entity';
import { GrantStore, NewGrant } from '../../src/grants/grant.store';
import { RefreshTokenEntity } from '../../src/tokens/entities/refresh-token.entity';
import { NewRefreshToken, RefreshTokenStore } from '../../src/tokens/refresh-token.store';
import { UserEntity } from '../../src/users/entities/user.entity';

/**
 * Plain in-memory stand-ins for the collaborators of the objects unit specs test: no Nest app and
 * no database. Each does what its original promises, with nothing more.
 */

/** A confidential client (client_secret_basic) allowed every grant type, with `fields` over that. */
export function aClient(fields: Partial<ClientEntity> = {}): ClientEntity {
  return Object.assign(new ClientEntity(), {
    clientId: 'partner',
    secretHash: null,
    name: 'Partner',
    redirectUris: ['https://partner.example/cb'],
    postLogoutRedirectUris: null,
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    scope: 'openid profile api',
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenSignedResponseAlg: 'RS256',
    requirePkce: true,
    resourceServer: false,
    defaultResource: null,
    credentialsChangedAt: null,
    ...fields,
  });
}

/** An API (resource server) defining `scopes`, with tokens living an hour. */
export function anApi(identifier: string, scopes: string[]): ApiEntity {
  return Object.assign(new ApiEntity(), {
    id: identifier,
    identifier,
    name: identifier,
    scopes: scopes.map((name) => ({ name, description: name })),
    accessTokenTtl: 3600,
    tokenFormat: 'jwt',
  });
}

/** The APIs service, reading a registry of these APIs. */
export function fakeApis(...apis: ApiEntity[]): ApisService {
  const store = { registry: () => Promise.resolve(new ApiRegistry(apis)) } as unknown as ApiStore;
  return new ApisService(store, fakeAudit());
}

/** An active user who is not an administrator, with `fields` over that. */
export function aUser(fields: Partial<UserEntity> = {}): UserEntity {
  return Object.assign(new UserEntity(), {
    id: 'user-1',
    username: 'alice',
    isAdmin: false,
    disabledAt: null,
    ...fields,
  });
}

/** The settings given, as ConfigService answers them. */
export function configOf(values: Partial<ProviderEnvironment>): ConfigService<ProviderEnvironment, true> {
  return { get: (name: keyof ProviderEnvironment) => values[name] } as unknown as ConfigService<
    ProviderEnvironment,
    true
  >;
}

/** The metrics as the application keeps them (in memory, nothing served), for a service built by hand. */
export function inMemoryMetrics(): ProviderMetrics {
  return new ProviderMetrics(configOf({}));
}

/** An audit trail that keeps what is recorded, in `recorded`. */
export function fakeAudit(): AuditService & { recorded: AuditRecord[] } {
  const recorded: AuditRecord[] = [];
  const record = (event: AuditRecord) => Promise.resolve(void recorded.push(event));
  return { recorded, record } as unknown as AuditService & { recorded: AuditRecord[] };
}

/**
 * Runs each piece of work at once, on a manager nobody uses: the stores here are in memory. With
 * `answersLost`, each runs twice and the second attempt answers, as TransactionsService does when a
 * connection is lost during a COMMIT that took effect: the first attempt's changes stay.
 */
export function fakeTransactions({ answersLost = false } = {}): TransactionsService {
  const manager = {} as EntityManager;
  const run = async <T>(work: (m: EntityManager) => Promise<T>) => {
    if (answersLost) await work(manager);
    return work(manager);
  };
  return { run, write: run } as unknown as TransactionsService;
}

/** GrantStore in memory: grants by id, revoked in place. */
export class FakeGrantStore implements Pick<GrantStore, keyof GrantStore> {
  readonly grants = new Map<string, GrantEntity>();

  create(_manager: EntityManager, fields: NewGrant): Promise<GrantEntity> {
    const grant = Object.assign(new GrantEntity(), { ...fields, revokedAt: null, createdAt: new Date() });
    this.grants.set(grant.id, grant);
    return Promise.resolve(grant);
  }

  /** A grant as if made `ageMs` ago, with `fields` over that. */
  add(fields: Partial<GrantEntity> & Pick<GrantEntity, 'id'>, ageMs = 0): GrantEntity {
    const grant = Object.assign(new GrantEntity(), {
      clientId: 'partner',
      userId: 'user-1',
      scope: 'openid api',
      resource: null,
      authTime: new Date(),
      revokedAt: null,
      createdAt: new Date(Date.now() - ageMs),
      ...fields,
    });
    this.grants.set(grant.id, grant);
    return grant;
  }

  findActive(grantId: string): Promise<GrantEntity | null> {
    const grant = this.grants.get(grantId);
    return Promise.resolve(grant && !grant.revokedAt ? grant : null);
  }

  activeOf(userId: string): Promise<GrantEntity[]> {
    const active = [...this.grants.values()].filter((grant) => grant.userId === userId && !grant.revokedAt);
    return Promise.resolve(active.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()));
  }

  revoke(grantId: string): Promise<void> {
    const grant = this.grants.get(grantId);
    if (grant && !grant.revokedAt) grant.revokedAt = new Date();
    return Promise.resolve();
  }

  revokeAllOf(_manager: EntityManager, userId: string, clientId?: string): Promise<number> {
    let revoked = 0;
    for (const grant of this.grants.values()) {
      if (grant.userId !== userId || grant.revokedAt || (clientId !== undefined && grant.clientId !== clientId))
        continue;
      grant.revokedAt = new Date();
      revoked++;
    }
    return Promise.resolve(revoked);
  }

  isRevoked(grantId: string): boolean {
    return !!this.grants.get(grantId)?.revokedAt;
  }
}

/** RefreshTokenStore in memory: tokens by digest; a token is rotated once a successor names it. */
export class FakeRefreshTokenStore implements Pick<RefreshTokenStore, keyof RefreshTokenStore> {
  readonly tokens = new Map<string, RefreshTokenEntity>();

  create(_manager: EntityManager, token: NewRefreshToken): Promise<void> {
    this.put({ ...token, parentHash: null });
    return Promise.resolve();
  }

  rotate(parentHash: string, successor: NewRefreshToken): Promise<boolean> {
    if ([...this.tokens.values()].some((t) => t.parentHash === parentHash)) return Promise.resolve(false);
    this.put({ ...successor, parentHash });
    return Promise.resolve(true);
  }

  find(tokenHash: string): Promise<RefreshTokenEntity | null> {
    const token = this.tokens.get(tokenHash);
    if (!token) return Promise.resolve(null);
    const hasSuccessor = [...this.tokens.values()].some((t) => t.parentHash === tokenHash);
    return Promise.resolve(Object.assign(new RefreshTokenEntity(), { ...token, hasSuccessor }));
  }

  pruneExpired(): Promise<number> {
    return Promise.resolve(0);
  }

  private put(row: NewRefreshToken & { parentHash: string | null }): void {
    this.tokens.set(
      row.tokenHash,
      Object.assign(new RefreshTokenEntity(), { ...row, usedAt: null, hasSuccessor: false, createdAt: new Date() }),
    );
  }
}

/** AuthorizationCodeStore in memory: codes by digest, consumed once. */
export class FakeAuthorizationCodeStore implements Pick<AuthorizationCodeStore, keyof AuthorizationCodeStore> {
  readonly codes = new Map<string, AuthorizationCodeEntity>();

  create(code: NewAuthorizationCode): Promise<void> {
    this.codes.set(
      code.codeHash,
      Object.assign(new AuthorizationCodeEntity(), { ...code, consumedAt: null, grantId: null, createdAt: new Date() }),
    );
    return Promise.resolve();
  }

  find(codeHash: string): Promise<AuthorizationCodeEntity | null> {
    const code = this.codes.get(codeHash);
    return Promise.resolve(code ? Object.assign(new AuthorizationCodeEntity(), code) : null);
  }

  consume(_manager: EntityManager, codeHash: string, grantId: string): Promise<boolean> {
    const code = this.codes.get(codeHash);
    if (!code || code.consumedAt) return Promise.resolve(false);
    Object.assign(code, { consumedAt: new Date(), grantId });
    return Promise.resolve(true);
  }

  pruneExpired(): Promise<number> {
    return Promise.resolve(0);
  }
}

/** ClientStore in memory, for the readers of clients. */
export function fakeClientStore(...clients: ClientEntity[]): ClientStore {
  const byId = new Map(clients.map((c) => [c.clientId, c]));
  return { findById: (id: string) => Promise.resolve(byId.get(id) ?? null) } as unknown as ClientStore;
}

/** A ClientResolver that knows these registered clients and no metadata document. */
export function fakeClientResolver(...clients: ClientEntity[]): ClientResolver {
  const store = fakeClientStore(...clients);
  return { findForRequest: (id: string) => store.findById(id) } as unknown as ClientResolver;
}

/** A TokenResponseFactory's respond(): the answer the grant gives, with placeholder tokens. */
export function fakeRespond() {
  return jest.fn((_grant, _client, { scope, refreshToken }: { scope: string; refreshToken?: string }) =>
    Promise.resolve({
      access_token: 'at',
      token_type: 'Bearer',
      expires_in: 300,
      scope,
      refresh_token: refreshToken,
    }),
  );
}
