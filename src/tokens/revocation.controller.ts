import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ClientEntity } from '../clients/entities/client.entity';
import { AuthenticatedClient } from '../clients/guards/authenticated-client.decorator';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { ClientIp } from '../common/http/client-ip.decorator';
import { FormBodyGuard } from '../common/http/form-body.guard';
import { oauthParamsPipe } from '../common/http/strict-validation.pipe';
import { RevocationService } from './revocation.service';
import { TokenRequestDto } from './token-request.dto';

@Controller('oauth/revoke')
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(FormBodyGuard, ClientAuthGuard)
  async revoke(
    @Body(oauthParamsPipe) body: TokenRequestDto,
    @AuthenticatedClient() client: ClientEntity,
    @ClientIp() ip: string,
  ) {
    await this.revocation.revoke(body, client, ip);
  }
}
