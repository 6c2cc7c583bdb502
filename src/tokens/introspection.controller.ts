import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ClientEntity } from '../clients/entities/client.entity';
import { AuthenticatedClient } from '../clients/guards/authenticated-client.decorator';
import { ClientAuthGuard } from '../clients/guards/client-auth.guard';
import { FormBodyGuard } from '../common/http/form-body.guard';
import { oauthParamsPipe } from '../common/http/strict-validation.pipe';
import { IntrospectionService } from './introspection.service';
import { TokenRequestDto } from './token-request.dto';

@Controller('oauth/introspect')
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(FormBodyGuard, ClientAuthGuard)
  introspect(@Body(oauthParamsPipe) body: TokenRequestDto, @AuthenticatedClient() client: ClientEntity) {
    return this.introspection.introspect(body, client);
  }
}
