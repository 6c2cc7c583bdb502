import { Controller, Get, Header, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { KeysService } from './keys.service';

@Controller('oauth/jwks')
export class JwksController {
  constructor(private readonly keys: KeysService) {}

  /** Cached by relying parties for at most half of KEY_PUBLISH_AHEAD: a staged key reaches them before it signs. */
  @Get()
  @Header('Content-Type', 'application/jwk-set+json')
  jwks(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('Cache-Control', `public, max-age=${this.keys.jwksMaxAge}`);
    return this.keys.jwks();
  }
}
