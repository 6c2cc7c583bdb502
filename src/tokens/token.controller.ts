import { Body, Controller, Delete, Get, Header, HttpCode, Options, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { ClientEntity } from '../clients/entities/client.entity';
import { AuthenticatedClient } from '../clients/guards/authenticated-client.decorator';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { ClientIp } from '../common/http/client-ip.decorator';
import { FormBodyGuard } from '../common/http/form-body.guard';
import { MethodNotAllowedError } from '../common/oauth/oauth.error';
import { OAuthRateLimitGuard } from '../rate-limit/rate-limit.guard';
import { TokensService } from './tokens.service';

@Controller('oauth/token')
export class TokenController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseGuards(OAuthRateLimitGuard, FormBodyGuard, ClientAuthGuard)
  token(@Body() body: Record<string, unknown>, @AuthenticatedClient() client: ClientEntity, @ClientIp() ip: string) {
    return this.tokens.exchange(body, client, ip);
  }

  /**
   * RFC 6749 §3.2: the token endpoint takes POST only; every other method is 405 (HEAD
   * follows GET), never a 404 that would hide the endpoint or a handler that would answer.
   */
  @Get()
  get(): never {
    throw postOnly();
  }

  @Put()
  put(): never {
    throw postOnly();
  }

  @Patch()
  patch(): never {
    throw postOnly();
  }

  @Delete()
  delete(): never {
    throw postOnly();
  }

  @Options()
  options(): never {
    throw postOnly();
  }
}

function postOnly(): MethodNotAllowedError {
  return new MethodNotAllowedError('the token endpoint accepts POST only');
}
