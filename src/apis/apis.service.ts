import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditOrigin } from '../audit/audit-event-types';
import { AuditService } from '../audit/audit.service';
import { Page } from '../common/http/page';
import { InvalidRequestError, InvalidTargetError, NotFoundError } from '../common/oauth/oauth.error';
import { BUILT_IN_SCOPES, SUPPORTED_SCOPES, describeScope } from '../common/oauth/scope-descriptions';
import { ApiStore } from './api.store';
import { apiIdentifierProblem } from './api-identifier';
import { ApiView, apiView } from './api.view';
import { ApiChangesDto, ApiMetadataDto } from './dto/api-metadata.dto';
import { ApiEntity, ApiScope } from './entities/api.entity';
import { Target } from './resource-target';

/** How many registered clients depend on an API, counted in the transaction of the change. */
export interface ApiHolders {
  /** How many clients hold any of these scopes. */
  holdingScopes(manager: EntityManager, scopes: string[]): Promise<number>;
  /** How many clients have the API with this identifier as their default resource. */
  defaultingTo(manager: EntityManager, identifier: string): Promise<number>;
}

/** The default access-token lifetime of an API, in seconds. */
const DEFAULT_ACCESS_TOKEN_TTL = 3600;

/**
 * The registry of APIs (resource servers) and their scopes: its rules, and what the rest of the
 * provider asks of it (known scopes, their descriptions). `by` says who asks, for the audit trail.
 */
@Injectable()
export class ApisService {
  /** Set by the clients feature, which knows what clients hold (ClientsService). */
  private holders: ApiHolders = { holdingScopes: () => Promise.resolve(0), defaultingTo: () => Promise.resolve(0) };

  constructor(
    private readonly apis: ApiStore,
    private readonly audit: AuditService,
  ) {}

  /**
   * Lets the clients feature say which scopes are still held and which APIs are clients' default
   * resource, so that neither is withdrawn from under a client.
   */
  countHoldersWith(holders: ApiHolders): void {
    this.holders = holders;
  }

  async create(metadata: ApiMetadataDto, by: AuditOrigin = {}): Promise<ApiView> {
    if (!metadata.name) throw new InvalidRequestError('name is required');
    const problem = apiIdentifierProblem(metadata.identifier);
    if (problem) throw new InvalidRequestError(`identifier ${problem}`);
    const api = Object.assign(new ApiEntity(), {
      id: randomUUID(),
      identifier: metadata.identifier,
      name: metadata.name,
      scopes: this.scopesOf(metadata.scopes ?? []),
      accessTokenTtl: metadata.access_token_ttl ?? DEFAULT_ACCESS_TOKEN_TTL,
      tokenFormat: this.tokenFormat(metadata.token_format),
    });
    const saved = await this.apis.save(api, async (others) => {
      if (others.some((other) => other.identifier === api.identifier)) {
        throw new InvalidRequestError(`an API with identifier ${JSON.stringify(api.identifier)} already exists`);
      }
      this.checkScopesFree(api, others);
    });
    await this.audit.record({ type: 'api.created', ...by, detail: this.detail(saved) });
    return apiView(saved);
  }

  async list(limit: number, offset: number): Promise<Page<ApiView>> {
    const { items, total } = await this.apis.list(limit, offset);
    return { items: items.map(apiView), total };
  }

  async get(id: string): Promise<ApiView> {
    return apiView(await this.require(id));
  }

  /** Changes the given fields; scopes are replaced as a whole, and none that a client holds may go. */
  async update(id: string, changes: ApiChangesDto, by: AuditOrigin = {}): Promise<ApiView> {
    const api = await this.require(id);
    const before = api.scopes.map((scope) => scope.name);
    api.name = changes.name ?? api.name;
    api.scopes = changes.scopes ? this.scopesOf(changes.scopes) : api.scopes;
    api.accessTokenTtl = changes.access_token_ttl ?? api.accessTokenTtl;
    api.tokenFormat = changes.token_format ? this.tokenFormat(changes.token_format) : api.tokenFormat;
    const kept = new Set(api.scopes.map((scope) => scope.name));
    const saved = await this.apis.save(api, async (others, manager) => {
      this.checkScopesFree(api, others);
      await this.refuseIfHeld(
        manager,
        before.filter((name) => !kept.has(name)),
        'remove',
      );
    });
    await this.audit.record({
      type: 'api.updated',
      ...by,
      detail: {
        ...this.detail(saved),
        fields: Object.keys(changes).filter((k) => changes[k as keyof ApiChangesDto] !== undefined),
      },
    });
    return apiView(saved);
  }

  /** Deletes the API, unless a client still holds one of its scopes or has it as its default resource. */
  async delete(id: string, by: AuditOrigin = {}): Promise<void> {
    const api = await this.require(id);
    const deleted = await this.apis.delete(id, async (manager) => {
      await this.refuseIfHeld(
        manager,
        api.scopes.map((scope) => scope.name),
        'delete the API',
      );
      const defaulting = await this.holders.defaultingTo(manager, api.identifier);
      if (defaulting > 0) {
        throw new InvalidRequestError(
          `cannot delete the API: ${defaulting} ${defaulting === 1 ? 'client has' : 'clients have'} it as default_resource`,
        );
      }
    });
    if (!deleted) throw new NotFoundError('no such API');
    await this.audit.record({ type: 'api.deleted', ...by, detail: this.detail(api) });
  }

  /** The scopes no built-in scope or API defines, among these. */
  async unknownScopes(scopes: string[]): Promise<string[]> {
    const registry = await this.apis.registry();
    return scopes.filter((scope) => !BUILT_IN_SCOPES.includes(scope) && !registry.scope(scope));
  }

  /**
   * The API a request names as its resource (RFC 8707 §2), as registered now; undefined for none.
   * A resource that names no registered API is `invalid_target`.
   */
  async target(resource: string | undefined): Promise<Target> {
    if (resource === undefined) return undefined;
    const api = await this.registered(resource);
    if (!api) throw new InvalidTargetError('resource is not a registered API', resource);
    return api;
  }

  /** The API with exactly this identifier, as registered now, if any. */
  async registered(identifier: string): Promise<ApiEntity | undefined> {
    return (await this.apis.registry()).api(identifier);
  }

  /** The longest access token lifetime any registered API has, in seconds; 0 while there is none. */
  async longestAccessTokenTtl(): Promise<number> {
    return (await this.apis.registry()).longestAccessTokenTtl;
  }

  /** The scopes discovery publishes: the OpenID ones and every API's. */
  async supportedScopes(): Promise<string[]> {
    return [...SUPPORTED_SCOPES, ...(await this.apis.registry()).scopeNames];
  }

  /** What each scope lets a client do, in the words of the API that defines it, or the provider's own. */
  async describe(scopes: string[]): Promise<ApiScope[]> {
    const registry = await this.apis.registry();
    return scopes.map((name) => ({
      name,
      description: registry.scope(name)?.scope.description ?? describeScope(name),
    }));
  }

  private async require(id: string): Promise<ApiEntity> {
    const api = await this.apis.read(id);
    if (!api) throw new NotFoundError('no such API');
    return api;
  }

  private scopesOf(scopes: ApiScope[]): ApiScope[] {
    const seen = new Set<string>();
    for (const { name } of scopes) {
      if (BUILT_IN_SCOPES.includes(name))
        throw new InvalidRequestError(`scope ${name} is built in; an API cannot define it`);
      if (seen.has(name)) throw new InvalidRequestError(`scope ${name} is listed twice`);
      seen.add(name);
    }
    return scopes.map(({ name, description }) => ({ name, description }));
  }

  /** Opaque access tokens are not issued yet: refused rather than stored as a promise not kept. */
  private tokenFormat(format: ApiChangesDto['token_format'] = 'jwt'): 'jwt' {
    if (format !== 'jwt') throw new InvalidRequestError('token_format "opaque" is not supported yet; use "jwt"');
    return format;
  }

  private checkScopesFree(api: ApiEntity, others: ApiEntity[]): void {
    for (const { name } of api.scopes) {
      const owner = others.find((other) => other.scopes.some((scope) => scope.name === name));
      if (owner) throw new InvalidRequestError(`scope ${name} is already defined by the API ${owner.identifier}`);
    }
  }

  /** Refuses to `act` while a client holds one of these scopes: its requests would fail from then on. */
  private async refuseIfHeld(manager: EntityManager, scopes: string[], act: string): Promise<void> {
    if (scopes.length === 0) return;
    const count = await this.holders.holdingScopes(manager, scopes);
    if (count > 0) {
      throw new InvalidRequestError(
        `cannot ${act}: ${count} ${count === 1 ? 'client holds' : 'clients hold'} one of its scopes (${scopes.join(' ')})`,
      );
    }
  }

  private detail(api: ApiEntity) {
    return { api_id: api.id, identifier: api.identifier, scopes: api.scopes.map((scope) => scope.name) };
  }
}
