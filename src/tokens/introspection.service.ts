import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ClientEntity } from '../clients/entities/client.entity';
import { InvalidClientError } from '../common/oauth/oauth.error';
import { ProviderEnvironment } from '../config/environment';
import { TokenLookupService } from './token-lookup.service';
import { TokenRequestDto } from './token-request.dto';

export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

/**
 * RFC 7662 token introspection. A client learns about its own tokens; a client registered as a
 * resource server (`resource_server`) about every client's access tokens, as it is handed them by
 * their bearers. Refresh tokens are only ever their own client's (token-lookup.service.ts): no
 * resource server is handed one.
 */
@Injectable()
export class IntrospectionService {
  private readonly issuer: string;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly lookup: TokenLookupService,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
  }

  /** §2.2: an expired, revoked, malformed or unknown token is `{"active": false}` and nothing more. */
  async introspect(request: TokenRequestDto, client: ClientEntity): Promise<IntrospectionResponse> {
    // §2.1: the caller must authenticate; naming a public client's id proves nothing.
    if (client.isPublic) throw new InvalidClientError('introspection requires client authentication');
    const found = await this.lookup.find(request.token, request.token_type_hint, client);
    if (!found) return { active: false };
    if (found.kind === 'access_token') {
      // §2.2: a caller "not allowed to introspect this particular token" gets `active: false`, the
      // same answer as for a token that does not exist: another client's token, its user, its
      // scope are none of a partner's business, and the answer must not tell that the token lives.
      if (found.claims.client_id !== client.clientId && !client.resourceServer) return { active: false };
      const { scope, client_id, sub, exp, iat, iss, aud, jti } = found.claims;
      return { active: true, scope, client_id, sub, exp, iat, iss, aud, jti, token_type: 'Bearer' };
    }
    const { token, grant } = found;
    return {
      active: true,
      scope: token.scope,
      client_id: token.clientId,
      sub: grant.userId,
      exp: Math.floor(token.expiresAt.getTime() / 1000),
      iat: Math.floor(token.createdAt.getTime() / 1000),
      iss: this.issuer,
      token_type: 'refresh_token',
    };
  }
}
