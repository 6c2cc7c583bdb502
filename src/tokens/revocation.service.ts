import { Injectable } from '@nestjs/common';
import { AccessTokensService } from '../access-tokens/access-tokens.service';
import { AuditService } from '../audit/audit.service';
import { ClientEntity } from '../clients/entities/client.entity';
import { GrantStore } from '../grants/grant.store';
import { TokenLookupService } from './token-lookup.service';
import { TokenRequestDto } from './token-request.dto';

/** RFC 7009 token revocation. */
@Injectable()
export class RevocationService {
  constructor(
    private readonly lookup: TokenLookupService,
    private readonly accessTokens: AccessTokensService,
    private readonly grants: GrantStore,
    private readonly audit: AuditService,
  ) {}

  /**
   * Revokes the token if it belongs to the asking client. An unknown token,
   * or another client's, changes nothing and is answered the same (§2.2).
   * A failure to store the revocation is an error, never a silent success.
   */
  async revoke(request: TokenRequestDto, client: ClientEntity, ip: string): Promise<void> {
    const found = await this.lookup.find(request.token, request.token_type_hint, client);
    if (!found) return;
    if (found.kind === 'refresh_token') {
      // §2.1: revoking a refresh token also revokes the access tokens of the same grant.
      await this.grants.revoke(found.grant.id);
      await this.audit.record({
        type: 'token.revoked',
        actor: `client:${client.clientId}`,
        userId: found.grant.userId,
        clientId: client.clientId,
        ip,
        detail: { token_type: 'refresh_token', grant_id: found.grant.id },
      });
    } else if (found.claims.client_id === client.clientId) {
      await this.accessTokens.revoke(found.claims);
      // The subject is a user only for a token of a user grant; a client_credentials token names the client.
      await this.audit.record({
        type: 'token.revoked',
        actor: `client:${client.clientId}`,
        userId: found.claims.gid ? found.claims.sub : null,
        clientId: client.clientId,
        ip,
        detail: { token_type: 'access_token', jti: found.claims.jti },
      });
    }
  }
}
