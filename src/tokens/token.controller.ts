import { Body, Controller, Get, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ClientEntity } from '../clients/entities/client.entity';
import { AuthenticatedClient } from '../clients/guards/authenticated-client.decorator';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { FormBodyGuard } from '../common/http/form-body.guard';
import { MethodNotAllowedError } from '../common/oauth/oauth.error';
import { TokensService } from './tokens.service';

@Controller('oauth/token')
export class TokenController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseGuards(FormBodyGuard, ClientAuthGuard)
  token(@Body() body: Record<string, unknown>, @AuthenticatedClient() client: ClientEntity) {
    return this.tokens.exchange(body, client);
  }

  /** RFC 6749 §3.2: the token endpoint takes POST only. */
  @Get()
  get() {
    throw new MethodNotAllowedError('the token endpoint accepts POST only');
  }
}
