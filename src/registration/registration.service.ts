import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ClientsService, ClientWithSecret } from '../clients/clients.service';
import { ClientMetadataDto } from '../clients/dto/client-metadata.dto';
import { DEFAULT_GRANT_TYPES } from '../common/oauth/grant-types';
import { InvalidClientMetadataError } from '../common/oauth/oauth.error';
import { ProviderEnvironment } from '../config/environment';
import { DEFAULT_ID_TOKEN_SIGNING_ALG } from '../common/oauth/id-token-signing-algs';
import { RegistrationMetadataDto } from './dto/registration-metadata.dto';
import { RegistrationCaller } from './registration-caller.decorator';
import { checkSelfRegistration } from './self-registration-policy';

/**
 * RFC 7591 dynamic client registration and RFC 7592 client configuration, for a caller the
 * controller's guards have let through (budget, initial access token, registration access token).
 * Clients are made, checked and deleted by ClientsService exactly as the admin API makes them, with
 * the limits of self-registration (self-registration-policy.ts) on top.
 */
@Injectable()
export class RegistrationService {
  private readonly endpoint: string;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly clients: ClientsService,
  ) {
    this.endpoint = `${config.get('ISSUER', { infer: true })}/oauth/register`;
  }

  /** RFC 7591 §3: registers a client, whose credentials the answer shows this once. */
  async register(metadata: RegistrationMetadataDto, caller: RegistrationCaller) {
    checkSelfRegistration(metadata);
    const client = await this.clients.selfRegister(
      { ...registered(metadata), client_name: metadata.client_name ?? metadata.name ?? hostOf(metadata.redirect_uris) },
      { actor: 'registration', ip: caller.ip },
    );
    return this.answer(client, client.registration_access_token);
  }

  /** RFC 7592 §2.1: the client as registered. */
  async read(clientId: string, caller: RegistrationCaller) {
    return this.answer(await this.clients.get(clientId), caller.token!);
  }

  /**
   * RFC 7592 §2.2: replaces the client's metadata; what the request leaves out takes its default,
   * as at registration, but for the name, which a client always has.
   */
  async replace(clientId: string, metadata: RegistrationMetadataDto, caller: RegistrationCaller) {
    if (metadata.client_id !== clientId) {
      throw new InvalidClientMetadataError('client_id must be given, and be the client_id of this client');
    }
    if (metadata.client_secret !== undefined && !(await this.clients.secretMatches(clientId, metadata.client_secret))) {
      throw new InvalidClientMetadataError('client_secret is not the secret of this client');
    }
    checkSelfRegistration(metadata);
    const client = await this.clients.update(clientId, registered(metadata), this.asClient(clientId, caller));
    return this.answer(client, caller.token!);
  }

  /** RFC 7592 §2.3: deletes the client, and with it its codes, grants and tokens. */
  async delete(clientId: string, caller: RegistrationCaller): Promise<void> {
    await this.clients.delete(clientId, this.asClient(clientId, caller));
  }

  /** The holder of a client's registration access token acts for that client (audit-event-types.ts). */
  private asClient(clientId: string, caller: RegistrationCaller) {
    return { actor: `client:${clientId}`, ip: caller.ip };
  }

  /** RFC 7591 §3.2.1 and RFC 7592 §3: the client, its credentials as far as shown, and where to manage it. */
  private answer(client: ClientWithSecret, registrationAccessToken: string) {
    return {
      ...client,
      // RFC 7591 §3.2.1: required with a secret; 0 is "never expires".
      ...(client.token_endpoint_auth_method !== 'none' && { client_secret_expires_at: 0 }),
      registration_access_token: registrationAccessToken,
      registration_client_uri: `${this.endpoint}/${encodeURIComponent(client.client_id)}`,
    };
  }
}

/**
 * Every field of the client, from what was sent or its default (RFC 7591 §2), so that a
 * replacement (RFC 7592 §2.2) leaves nothing of the metadata it replaces but the name.
 */
function registered(metadata: RegistrationMetadataDto): ClientMetadataDto {
  return {
    client_name: metadata.client_name ?? metadata.name,
    redirect_uris: metadata.redirect_uris ?? [],
    post_logout_redirect_uris: metadata.post_logout_redirect_uris ?? [],
    grant_types: metadata.grant_types ?? DEFAULT_GRANT_TYPES,
    scope: metadata.scope ?? '',
    token_endpoint_auth_method: metadata.token_endpoint_auth_method ?? 'client_secret_basic',
    id_token_signed_response_alg: metadata.id_token_signed_response_alg ?? DEFAULT_ID_TOKEN_SIGNING_ALG,
    require_pkce: true,
    resource_server: false,
  };
}

/**
 * What a client registered without a name (RFC 7591 §2: `client_name` is optional) is called: the
 * host its redirect URIs go to, which is what the consent page can truthfully say of it.
 */
function hostOf(redirectUris: string[] | undefined): string | undefined {
  const first = redirectUris?.[0];
  return typeof first === 'string' && URL.canParse(first) ? new URL(first).host || undefined : undefined;
}
