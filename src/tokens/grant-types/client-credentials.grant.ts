import { Injectable } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApisService } from '../../apis/apis.service';
import { scopeElsewhere, scopeForTarget } from '../../apis/resource-target';
import { AuditService } from '../../audit/audit.service';
import { ClientEntity } from '../../clients/entities/client.entity';
import { InvalidScopeError, InvalidTargetError, UnauthorizedClientError } from '../../common/oauth/oauth.error';
import { isSubset, parseScope } from '../../common/oauth/scope';
import { TokenResponse } from '../token-response';
import { TokenResponseFactory } from '../token-response.factory';
import { GrantHandler } from './grant-handler';

export class ClientCredentialsParams {
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  scope?: string;

  /** RFC 8707 §2: the API the token is for (TokensService has checked its form); else the client's default resource. */
  @IsOptional()
  @IsString()
  resource?: string;
}

/**
 * RFC 6749 §4.4: a confidential client acting for itself, within its registered scope. No refresh
 * token (§4.4.3). For a resource (named, or the client's default), only scopes that go with that
 * API (invalid_target otherwise), and without `scope`, the registered ones that do.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler<ClientCredentialsParams> {
  readonly grantType = 'client_credentials';
  readonly parameters = ClientCredentialsParams;

  constructor(
    private readonly responses: TokenResponseFactory,
    private readonly audit: AuditService,
    private readonly apis: ApisService,
  ) {}

  async handle(params: ClientCredentialsParams, client: ClientEntity, ip: string): Promise<TokenResponse> {
    if (client.isPublic) throw new UnauthorizedClientError('public clients cannot use client_credentials');
    const target = await this.apis.target(params.resource ?? client.defaultResource ?? undefined);
    const allowed = parseScope(client.scope) ?? [];
    const requested =
      params.scope === undefined || params.scope === '' ? scopeForTarget(target, allowed) : parseScope(params.scope);
    if (!requested) throw new InvalidScopeError('scope is malformed');
    if (!isSubset(requested, allowed)) throw new InvalidScopeError('scope asks for more than this client may have');
    const elsewhere = scopeElsewhere(target, requested);
    if (elsewhere) throw new InvalidTargetError(elsewhere);
    const response = await this.responses.forClient(client, requested.join(' '), target);
    await this.audit.record({
      type: 'token.issued',
      actor: `client:${client.clientId}`,
      clientId: client.clientId,
      ip,
      detail: {
        grant_type: this.grantType,
        scope: response.scope,
        ...(target && { resource: target.identifier }),
      },
    });
    return response;
  }
}
