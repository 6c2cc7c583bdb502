import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApisService } from '../apis/apis.service';
import { AUTH_METHODS } from '../clients/dto/client-metadata.dto';
import { ProviderEnvironment } from '../config/environment';
import { ID_TOKEN_SIGNING_ALGS } from '../common/oauth/id-token-signing-algs';
import { TokensService } from '../tokens/tokens.service';

/**
 * The provider's published metadata: it changes only with the configuration and the scopes of
 * the registered APIs, so it is serialized again only when those scopes change. One document
 * serves both RFC 8414 and OpenID Connect Discovery 1.0 §3, so the two can never disagree.
 */
@Injectable()
export class DiscoveryService {
  /** The metadata but for `scopes_supported`, which document() fills in. */
  private readonly metadata: Record<string, unknown>;
  /** The document as last sent, and the scopes it was made with. */
  private last?: { scopes: string; document: string };

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    tokens: TokensService,
    private readonly apis: ApisService,
  ) {
    const issuer = config.get('ISSUER', { infer: true });
    const authMethods = AUTH_METHODS;
    const secretMethods = AUTH_METHODS.filter((m) => m !== 'none');
    this.metadata = {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      jwks_uri: `${issuer}/oauth/jwks`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      end_session_endpoint: `${issuer}/logout`,
      // RFC 8414 §2: published only where registration is open to clients, with or without a token.
      ...(config.get('DYNAMIC_REGISTRATION', { infer: true }) !== 'off' && {
        registration_endpoint: `${issuer}/oauth/register`,
      }),
      scopes_supported: [],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: tokens.grantTypes,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ID_TOKEN_SIGNING_ALGS,
      token_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_methods_supported: authMethods,
      introspection_endpoint_auth_methods_supported: secretMethods,
      code_challenge_methods_supported: ['S256'],
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'at_hash',
        'azp',
        'name',
        'preferred_username',
        'updated_at',
        'email',
        'email_verified',
      ],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
      // draft-ietf-oauth-client-id-metadata-document §5: a client_id may be a metadata document's URL.
      ...(config.get('CLIENT_ID_METADATA_DOCUMENTS', { infer: true }) === 'on' && {
        client_id_metadata_document_supported: true,
      }),
    };
  }

  /** The metadata as JSON, as sent: `scopes_supported` lists the OpenID scopes and every API's. */
  async document(): Promise<string> {
    const supported = await this.apis.supportedScopes();
    const scopes = supported.join(' ');
    if (this.last?.scopes !== scopes) {
      this.last = { scopes, document: JSON.stringify({ ...this.metadata, scopes_supported: supported }) };
    }
    return this.last.document;
  }
}
