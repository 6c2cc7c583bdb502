import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomToken, sha256 } from '../common/crypto/tokens';
import { DEFAULT_GRANT_TYPES } from '../common/oauth/grant-types';
import {
  InvalidClientMetadataError,
  InvalidRedirectUriError,
  NotFoundError,
} from '../common/oauth/oauth.error';
import { parseScope } from '../common/oauth/scope';
import { ClientView, clientView } from './client.view';
import { ClientMetadataDto } from './dto/client-metadata.dto';
import { ClientEntity } from './entities/client.entity';
import { redirectUriProblem } from './redirect-uri';

export type ClientWithSecret = ClientView & { client_secret?: string };

/** Registration and administration of partner clients. */
@Injectable()
export class ClientsService {
  constructor(@InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>) {}

  /** Registers a client; the answer carries its secret, this once. */
  async create(metadata: ClientMetadataDto): Promise<ClientWithSecret> {
    const client = this.clients.create({
      clientId: randomToken(16),
      name: metadata.client_name ?? metadata.name,
      redirectUris: metadata.redirect_uris ?? [],
      postLogoutRedirectUris: metadata.post_logout_redirect_uris ?? [],
      grantTypes: metadata.grant_types ?? DEFAULT_GRANT_TYPES,
      scope: metadata.scope ?? '',
      tokenEndpointAuthMethod: metadata.token_endpoint_auth_method ?? 'client_secret_basic',
    });
    if (!client.name) throw new InvalidClientMetadataError('name is required');
    const secret = this.assignSecret(client);
    this.check(client);
    return { ...clientView(await this.clients.save(client)), ...(secret && { client_secret: secret }) };
  }

  async list(limit: number, offset: number): Promise<{ items: ClientView[]; total: number }> {
    const [rows, total] = await this.clients.findAndCount({ order: { createdAt: 'ASC', clientId: 'ASC' }, take: limit, skip: offset });
    return { items: rows.map(clientView), total };
  }

  async get(clientId: string): Promise<ClientView> {
    return clientView(await this.require(clientId));
  }

  /** Changes the given fields. A client that becomes confidential gets a secret, returned this once. */
  async update(clientId: string, metadata: ClientMetadataDto): Promise<ClientWithSecret> {
    const client = await this.require(clientId);
    const wasPublic = client.isPublic;
    client.name = metadata.client_name ?? metadata.name ?? client.name;
    client.redirectUris = metadata.redirect_uris ?? client.redirectUris;
    client.postLogoutRedirectUris = metadata.post_logout_redirect_uris ?? client.postLogoutRedirectUris;
    client.grantTypes = metadata.grant_types ?? client.grantTypes;
    client.scope = metadata.scope ?? client.scope;
    client.tokenEndpointAuthMethod = metadata.token_endpoint_auth_method ?? client.tokenEndpointAuthMethod;
    const secret = wasPublic !== client.isPublic ? this.assignSecret(client) : undefined;
    this.check(client);
    return { ...clientView(await this.clients.save(client)), ...(secret && { client_secret: secret }) };
  }

  /** Deletes the client; its codes and grants go with it (foreign keys), and its access tokens stop verifying. */
  async delete(clientId: string): Promise<void> {
    const { affected } = await this.clients.delete({ clientId });
    if (!affected) throw new NotFoundError('no such client');
  }

  /** A new secret; the old one stops working at once. */
  async rotateSecret(clientId: string): Promise<ClientWithSecret> {
    const client = await this.require(clientId);
    if (client.isPublic) throw new InvalidClientMetadataError('a public client has no secret');
    const secret = this.assignSecret(client);
    return { ...clientView(await this.clients.save(client)), client_secret: secret };
  }

  findById(clientId: string): Promise<ClientEntity | null> {
    return this.clients.findOneBy({ clientId });
  }

  private async require(clientId: string): Promise<ClientEntity> {
    const client = await this.findById(clientId);
    if (!client) throw new NotFoundError('no such client');
    return client;
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

  /** The rules between fields that a DTO cannot see. */
  private check(client: ClientEntity): void {
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
    if (parseScope(client.scope) === null) throw new InvalidClientMetadataError('scope is not a list of scope tokens');
  }
}
