import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ClientEntity } from '../clients/entities/client.entity';
import { AuthenticatedClient } from '../clients/guards/authenticated-client.decorator';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { ClientIp } from '../common/http/client-ip.decorator';
import { FormBodyGuard } from '../common/http/form-body.guard';
import { TokensService } from './tokens.service';

@Controller('oauth/token')
export class TokenController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseGuards(FormBodyGuard, ClientAuthGuard)
  token(@Body() body: Record<string, unknown>, @AuthenticatedClient() client: ClientEntity, @ClientIp() ip: string) {
    return this.tokens.exchange(body, client, ip);
  }
}
