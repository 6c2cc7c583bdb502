import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AUTH_METHODS } from '../clients/dto/client-metadata.dto';
import { GRANT_TYPES } from '../common/oauth/grant-types';
import { ProviderEnvironment } from '../config/environment';

/** The provider's published metadata, built once: it only changes with the configuration. */
@Injectable()
export class DiscoveryService {
  readonly metadata: Record<string, unknown>;

  constructor(config: ConfigService<ProviderEnvironment, true>) {
    const issuer = config.get('ISSUER', { infer: true });
    this.metadata = {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/oauth/jwks`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: [...GRANT_TYPES],
      token_endpoint_auth_methods_supported: AUTH_METHODS,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'admin'],
    };
  }
}
