import { Counter, Registry } from 'prom-client';

/** Tokens issued at the token endpoint, and refresh tokens presented again after rotation (RFC 9700 §4.14.2). */
export class TokenMetrics {
  private readonly issuedTotal: Counter<'grant_type' | 'client_id'>;
  private readonly reuseTotal: Counter;

  constructor(registry: Registry) {
    this.issuedTotal = new Counter({
      name: 'provider_tokens_issued_total',
      help: 'Successful token responses, by grant type and client',
      labelNames: ['grant_type', 'client_id'],
      registers: [registry],
    });
    this.reuseTotal = new Counter({
      name: 'provider_refresh_token_reuse_total',
      help: 'Rotated refresh tokens presented again; each revoked its grant',
      registers: [registry],
    });
  }

  issued(grantType: string, clientId: string): void {
    this.issuedTotal.inc({ grant_type: grantType, client_id: clientId });
  }

  refreshTokenReused(): void {
    this.reuseTotal.inc();
  }
}
