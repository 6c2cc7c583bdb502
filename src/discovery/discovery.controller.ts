import { Controller, Get, Header } from '@nestjs/common';
import { DiscoveryService } from './discovery.service';

@Controller('.well-known')
export class DiscoveryController {
  constructor(private readonly discovery: DiscoveryService) {}

  /** RFC 8414 authorization server metadata. */
  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/json; charset=utf-8')
  authorizationServer() {
    return this.discovery.document();
  }

  /** OpenID Connect Discovery 1.0 §4. */
  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/json; charset=utf-8')
  openidConfiguration() {
    return this.discovery.document();
  }
}
