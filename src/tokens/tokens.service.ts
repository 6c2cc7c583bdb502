import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { resourceParameter } from '../apis/resource-parameter';
import { ClientEntity } from '../clients/entities/client.entity';
import { GRANT_TYPES, GrantType } from '../common/oauth/grant-types';
import { InvalidRequestError, UnauthorizedClientError, UnsupportedGrantTypeError } from '../common/oauth/oauth.error';
import { ProviderMetrics } from '../metrics/provider-metrics';
import { GRANT_HANDLERS, GrantHandler } from './grant-types/grant-handler';
import { TokenResponse } from './token-response';

/** The token endpoint (RFC 6749 §3.2): the checks every grant shares, then the grant's own handler. */
@Injectable()
export class TokensService {
  private readonly handlers: Map<string, GrantHandler>;
  /** The grant types the endpoint answers, as discovery publishes them (RFC 8414 §2 grant_types_supported). */
  readonly grantTypes: GrantType[];

  constructor(
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
    private readonly metrics: ProviderMetrics,
  ) {
    this.handlers = new Map(handlers.map((h) => [h.grantType, h]));
    this.grantTypes = handlers.map((h) => h.grantType);
    // A client may be registered for any of GRANT_TYPES: each must have its handler.
    const unhandled = GRANT_TYPES.filter((type) => !this.handlers.has(type));
    if (unhandled.length > 0) throw new Error(`no grant handler for ${unhandled.join(', ')}`);
  }

  async exchange(body: Record<string, unknown>, client: ClientEntity, ip: string): Promise<TokenResponse> {
    const grantType = body.grant_type;
    if (grantType === undefined) throw new InvalidRequestError('grant_type is required');
    if (typeof grantType !== 'string') throw new InvalidRequestError('grant_type must be given once');
    const handler = this.handlers.get(grantType);
    if (!handler) throw new UnsupportedGrantTypeError(`grant_type ${grantType.slice(0, 50)} is not supported`);
    if (!client.grantTypes.includes(grantType)) {
      throw new UnauthorizedClientError(`this client may not use the ${grantType} grant`);
    }
    const response = await handler.handle(this.parameters(handler, body), client, ip);
    this.metrics.tokens.issued(grantType, client.clientId);
    return response;
  }

  /**
   * RFC 6749 §3.2: parameters sent once each and well formed; undeclared ones are ignored. RFC 8707
   * §2 lets `resource` be repeated: it becomes the one resource named, or `invalid_target`.
   */
  private parameters<P extends object>(handler: GrantHandler<P>, body: Record<string, unknown>): P {
    const { resource, ...others } = body;
    for (const [name, value] of Object.entries(others)) {
      if (typeof value !== 'string') throw new InvalidRequestError(`${name} must be given once`);
    }
    const named = resourceParameter(resource);
    const params = plainToInstance(
      handler.parameters,
      { ...others, ...(named !== undefined && { resource: named }) },
      { excludeExtraneousValues: false },
    );
    const errors = validateSync(params, { whitelist: true, forbidUnknownValues: true });
    if (errors.length > 0)
      throw new InvalidRequestError(Object.values(errors[0].constraints ?? {})[0] ?? 'invalid parameters');
    return params;
  }
}
