import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { ProviderEnvironment } from '../config/environment';
import { InitialAccessTokensService } from './initial-access-tokens.service';
import { registrationCaller } from './registration-caller.decorator';

/** DYNAMIC_REGISTRATION=token: a registration shows a valid initial access token (RFC 7591 §3), before its metadata is read. */
@Injectable()
export class InitialAccessTokenGuard implements CanActivate {
  private readonly required: boolean;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly tokens: InitialAccessTokensService,
  ) {
    this.required = config.get('DYNAMIC_REGISTRATION', { infer: true }) === 'token';
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.required) {
      await this.tokens.verify(registrationCaller(context.switchToHttp().getRequest<FastifyRequest>()).token);
    }
    return true;
  }
}
