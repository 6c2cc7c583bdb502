import { Counter, Registry } from 'prom-client';

/** Sign-ins at the login page: a failure is a wrong password or an unknown username (a refused attempt is throttled). */
export class SignInMetrics {
  private readonly total: Counter<'outcome'>;

  constructor(registry: Registry) {
    this.total = new Counter({
      name: 'provider_sign_ins_total',
      help: 'Sign-ins at the login page, by outcome (succeeded, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  succeeded(): void {
    this.total.inc({ outcome: 'succeeded' });
  }

  failed(): void {
    this.total.inc({ outcome: 'failed' });
  }
}
