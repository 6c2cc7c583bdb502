import { Injectable } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AuditService } from '../../audit/audit.service';
import { ClientEntity } from '../../clients/entities/client.entity';
import { InvalidScopeError, UnauthorizedClientError } from '../../common/oauth/oauth.error';
import { isSubset, parseScope } from '../../common/oauth/scope';
import { TokenResponse } from '../token-response';
import { TokenResponseFactory } from '../token-response.factory';
import { GrantHandler } from './grant-handler';

export class ClientCredentialsParams {
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  scope?: string;
}

/** RFC 6749 §4.4: a confidential client acting for itself, within its registered scope. No refresh token (§4.4.3). */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler<ClientCredentialsParams> {
  readonly grantType = 'client_credentials';
  readonly parameters = ClientCredentialsParams;

  constructor(
    private readonly responses: TokenResponseFactory,
    private readonly audit: AuditService,
  ) {}

  async handle(params: ClientCredentialsParams, client: ClientEntity, ip: string): Promise<TokenResponse> {
    if (client.isPublic) throw new UnauthorizedClientError('public clients cannot use client_credentials');
    const allowed = parseScope(client.scope) ?? [];
    const requested = params.scope === undefined || params.scope === '' ? allowed : parseScope(params.scope);
    if (!requested) throw new InvalidScopeError('scope is malformed');
    if (!isSubset(requested, allowed)) throw new InvalidScopeError('scope asks for more than this client may have');
    const scope = requested.join(' ');
    const response = await this.responses.forClient(client, scope);
    await this.audit.record({
      type: 'token.issued',
      actor: `client:${client.clientId}`,
      clientId: client.clientId,
      ip,
      detail: { grant_type: this.grantType, scope },
    });
    return response;
  }
}
