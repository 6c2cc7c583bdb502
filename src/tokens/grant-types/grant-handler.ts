import { ClientEntity } from '../../clients/entities/client.entity';
import { GrantType } from '../../common/oauth/grant-types';
import { TokenResponse } from '../token-response';

/**
 * One grant type of the token endpoint. TokensService checks what every
 * grant shares (supported, allowed for the client, parameters well formed)
 * and hands over the parameters, validated against `parameters`.
 */
export interface GrantHandler<P extends object = object> {
  readonly grantType: GrantType;
  /** A class-validator DTO of the grant's parameters; undeclared ones are dropped. */
  readonly parameters: new () => P;
  /** `ip` is the caller's, for the audit trail. */
  handle(params: P, client: ClientEntity, ip: string): Promise<TokenResponse>;
}

export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');
