import { Injectable, OnModuleInit } from '@nestjs/common';
import { ApisService } from '../apis/apis.service';
import { AuditOrigin } from '../audit/audit-event-types';
import { AuditService } from '../audit/audit.service';
import { randomToken, safeEqual, sha256 } from '../common/crypto/tokens';
import { Page } from '../common/http/page';
import { DEFAULT_GRANT_TYPES } from '../common/oauth/grant-types';
import {
  InvalidClientMetadataError,
  InvalidRedirectUriError,
  InvalidTokenError,
  NotFoundError,
} from '../common/oauth/oauth.error';
import { parseScope } from '../common/oauth/scope';
import { DEFAULT_ID_TOKEN_SIGNING_ALG } from '../common/oauth/id-token-signing-algs';
import { ClientStore } from './client.store';
import { ClientView, clientView, ClientWithSecret } from './client.view';
import { ClientMetadataDto } from './dto/client-metadata.dto';
import { ClientEntity } from './entities/client.entity';
import { redirectUriProblem } from './redirect-uri';

export type { ClientWithSecret };

/** A client registered at the dynamic registration endpoint, with the credentials it is shown this once. */
export type SelfRegisteredClient = ClientWithSecret & { registration_access_token: string };

/** Registration and administration of partner clients. `by` says who asks, for the audit trail. */
@Injectable()
export class ClientsService implements OnModuleInit {
  constructor(
    private readonly clients: ClientStore,
    private readonly audit: AuditService,
    private readonly apis: ApisService,
  ) {}

  /** No API is deleted, nor loses a scope, while a client holds one of its scopes or has it as default resource. */
  onModuleInit(): void {
    this.apis.countHoldersWith({
      holdingScopes: (manager, scopes) => this.clients.countHolding(manager, scopes),
      defaultingTo: (manager, identifier) => this.clients.countDefaultingTo(manager, identifier),
    });
  }

  /** Registers a client; the answer carries its secret, this once. */
  async create(metadata: ClientMetadataDto, by: AuditOrigin = {}): Promise<ClientWithSecret> {
    return this.register(metadata, by, false);
  }

  /**
   * Registers a client at the dynamic registration endpoint (RFC 7591 §3): as create(), and the
   * client gets a registration access token (RFC 7592 §1.1), shown this once, stored as its SHA-256.
   */
  async selfRegister(metadata: ClientMetadataDto, by: AuditOrigin = {}): Promise<SelfRegisteredClient> {
    const client = await this.register(metadata, by, true);
    return { ...client, registration_access_token: client.registration_access_token! };
  }

  /**
   * The client whose registration access token this is (RFC 7592 §3). Anything else, an unknown
   * client, a client an administrator registered or another client's token, is the same
   * invalid_token: the answer never tells whether the client exists.
   */
  async getSelfRegistered(clientId: string, registrationAccessToken?: string): Promise<ClientView> {
    const client = await this.clients.read(clientId);
    const digest = client?.registrationAccessTokenHash;
    if (!digest || !registrationAccessToken || !safeEqual(sha256(registrationAccessToken), digest)) {
      throw new InvalidTokenError('the registration access token is not valid for this client', undefined, {
        tokenMissing: registrationAccessToken === undefined,
      });
    }
    return clientView(client);
  }

  /** Whether `secret` is the client's current secret (RFC 7592 §2.2: a client may send it back, never choose it). */
  async secretMatches(clientId: string, secret: string): Promise<boolean> {
    const digest = (await this.clients.read(clientId))?.secretHash;
    return !!digest && safeEqual(sha256(secret), digest);
  }

  private async register(
    metadata: ClientMetadataDto,
    by: AuditOrigin,
    selfRegistered: boolean,
  ): Promise<ClientWithSecret & { registration_access_token?: string }> {
    const client = Object.assign(new ClientEntity(), {
      clientId: randomToken(16),
      name: metadata.client_name ?? metadata.name,
      redirectUris: metadata.redirect_uris ?? [],
      postLogoutRedirectUris: metadata.post_logout_redirect_uris ?? [],
      grantTypes: metadata.grant_types ?? DEFAULT_GRANT_TYPES,
      scope: metadata.scope ?? '',
      tokenEndpointAuthMethod: metadata.token_endpoint_auth_method ?? 'client_secret_basic',
      idTokenSignedResponseAlg: metadata.id_token_signed_response_alg ?? DEFAULT_ID_TOKEN_SIGNING_ALG,
      requirePkce: metadata.require_pkce ?? true,
      resourceServer: metadata.resource_server ?? false,
      defaultResource: metadata.default_resource ?? null,
    });
    if (!client.name) throw new InvalidClientMetadataError('name is required');
    const secret = this.assignSecret(client);
    const registrationAccessToken = selfRegistered ? randomToken(32) : undefined;
    client.registrationAccessTokenHash = registrationAccessToken ? sha256(registrationAccessToken) : null;
    await this.check(client);
    const view = clientView(await this.clients.save(client));
    await this.audit.record({
      type: selfRegistered ? 'client.registered' : 'client.created',
      ...by,
      clientId: client.clientId,
      detail: { grant_types: client.grantTypes, scope: client.scope },
    });
    return {
      ...view,
      ...(secret && { client_secret: secret }),
      ...(registrationAccessToken && { registration_access_token: registrationAccessToken }),
    };
  }

  /** A page of clients; `q`, when given, is a substring of the name or the client_id. */
  async list(limit: number, offset: number, q?: string): Promise<Page<ClientView>> {
    const { items, total } = await this.clients.list(limit, offset, q);
    return { items: items.map(clientView), total };
  }

  async get(clientId: string): Promise<ClientView> {
    return clientView(await this.require(clientId));
  }

  /**
   * Changes the given fields. A client that becomes confidential gets a secret, returned this once.
   * A change between confidential and public is a change of credentials: the access tokens issued
   * before it stop verifying, as after a new secret.
   */
  async update(clientId: string, metadata: ClientMetadataDto, by: AuditOrigin = {}): Promise<ClientWithSecret> {
    const client = await this.require(clientId);
    const wasPublic = client.isPublic;
    client.name = metadata.client_name ?? metadata.name ?? client.name;
    client.redirectUris = metadata.redirect_uris ?? client.redirectUris;
    client.postLogoutRedirectUris = metadata.post_logout_redirect_uris ?? client.postLogoutRedirectUris;
    client.grantTypes = metadata.grant_types ?? client.grantTypes;
    client.scope = metadata.scope ?? client.scope;
    client.tokenEndpointAuthMethod = metadata.token_endpoint_auth_method ?? client.tokenEndpointAuthMethod;
    client.idTokenSignedResponseAlg = metadata.id_token_signed_response_alg ?? client.idTokenSignedResponseAlg;
    client.requirePkce = metadata.require_pkce ?? client.requirePkce;
    client.resourceServer = metadata.resource_server ?? client.resourceServer;
    if (metadata.default_resource !== undefined) client.defaultResource = metadata.default_resource;
    const secret = wasPublic !== client.isPublic ? this.changeCredentials(client) : undefined;
    await this.check(client);
    const view = clientView(await this.clients.save(client));
    await this.audit.record({
      type: 'client.updated',
      ...by,
      clientId,
      detail: {
        fields: Object.keys(metadata).filter((k) => metadata[k as keyof ClientMetadataDto] !== undefined),
        new_secret: !!secret,
      },
    });
    return { ...view, ...(secret && { client_secret: secret }) };
  }

  /** Deletes the client; its codes and grants go with it (foreign keys), and its access tokens stop verifying. */
  async delete(clientId: string, by: AuditOrigin = {}): Promise<void> {
    // Found first, exactly (ClientStore.read()): a DELETE by a look-alike id must not reach the real client.
    await this.require(clientId);
    if (!(await this.clients.delete(clientId))) throw new NotFoundError('no such client');
    await this.audit.record({ type: 'client.deleted', ...by, clientId });
  }

  /** A new secret; the old one stops working at once, and so do the access tokens issued with it. */
  async rotateSecret(clientId: string, by: AuditOrigin = {}): Promise<ClientWithSecret> {
    const client = await this.require(clientId);
    if (client.isPublic) throw new InvalidClientMetadataError('a public client has no secret');
    const secret = this.changeCredentials(client);
    const view = clientView(await this.clients.save(client));
    await this.audit.record({ type: 'client.secret_rotated', ...by, clientId });
    return { ...view, client_secret: secret };
  }

  /**
   * The client with exactly this id, as every request that acts for a client reads it: from
   * memory while no client has changed anywhere (ClientStore.findById), so frozen.
   */
  findById(clientId: string): Promise<ClientEntity | null> {
    return this.clients.findById(clientId);
  }

  /** The client to administer: read afresh, and free to change. */
  private async require(clientId: string): Promise<ClientEntity> {
    const client = await this.clients.read(clientId);
    if (!client) throw new NotFoundError('no such client');
    return client;
  }

  /**
   * New credentials for an existing client. The access tokens issued before are judged by the
   * time set here (access-token-standing.ts): whoever held the old secret, or acted as the client
   * before it changed between confidential and public, keeps nothing it obtained.
   */
  private changeCredentials(client: ClientEntity): string | undefined {
    client.credentialsChangedAt = new Date();
    return this.assignSecret(client);
  }

  /** 256 random bits, stored only as their SHA-256. */
  private assignSecret(client: ClientEntity): string | undefined {
    if (client.isPublic) {
      client.secretHash = null;
      return undefined;
    }
    const secret = randomToken(32);
    client.secretHash = sha256(secret);
    return secret;
  }

  /** The rules between fields that a DTO cannot see, and known scopes only (a built-in scope or an API's). */
  private async check(client: ClientEntity): Promise<void> {
    for (const uri of [...client.redirectUris, ...(client.postLogoutRedirectUris ?? [])]) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new InvalidRedirectUriError(`redirect_uri ${JSON.stringify(uri)} ${problem}`);
    }
    if (client.grantTypes.length === 0) throw new InvalidClientMetadataError('grant_types must not be empty');
    if (client.grantTypes.includes('authorization_code') && client.redirectUris.length === 0) {
      throw new InvalidRedirectUriError('the authorization_code grant needs at least one redirect_uri');
    }
    if (client.isPublic && client.grantTypes.includes('client_credentials')) {
      throw new InvalidClientMetadataError('a public client cannot use the client_credentials grant');
    }
    // RFC 9700 §2.1.1: a public client has nothing but PKCE to bind its code to it.
    if (client.isPublic && !client.requirePkce) {
      throw new InvalidClientMetadataError('a public client must use PKCE (require_pkce cannot be false)');
    }
    const scopes = parseScope(client.scope);
    if (scopes === null) throw new InvalidClientMetadataError('scope is not a list of scope tokens');
    const [unknown] = await this.apis.unknownScopes(scopes);
    if (unknown) throw new InvalidClientMetadataError(`scope ${unknown} is defined by no API`);
    if (client.defaultResource !== null && !(await this.apis.registered(client.defaultResource))) {
      throw new InvalidClientMetadataError(
        `default_resource ${JSON.stringify(client.defaultResource)} is not the identifier of a registered API`,
      );
    }
  }
}
