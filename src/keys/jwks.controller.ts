import { Controller, Get, Header } from '@nestjs/common';
import { KeysService } from './keys.service';

@Controller('oauth/jwks')
export class JwksController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @Header('Content-Type', 'application/jwk-set+json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks() {
    return this.keys.jwks();
  }
}
