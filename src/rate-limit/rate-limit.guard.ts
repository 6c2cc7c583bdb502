import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { TooManyRequestsError } from '../common/oauth/oauth.error';

/** The request counters of RateLimitModule: one per client address and group. */
export type RateLimitGroup = 'login' | 'oauth';

/**
 * Refuses a client address that has used up its group's requests in the current window with
 * TooManyRequestsError (429, Retry-After); the exception filters make it RFC 6749 §5.2 JSON or
 * the login page. The address is `request.ip`: the peer, or the client a proxy that TRUST_PROXY
 * trusts names in X-Forwarded-For, never a header an untrusted caller sets itself. IPv6 addresses count per /64, which one host usually holds whole.
 */
abstract class RateLimitGuard extends ThrottlerGuard {
  protected abstract readonly group: RateLimitGroup;

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((throttler) => throttler.name === this.group);
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const seconds = detail.timeToBlockExpire;
    throw new TooManyRequestsError(
      `Too many requests from your network. Wait ${seconds} second${seconds === 1 ? '' : 's'}, then try again.`,
      seconds,
    );
  }
}

/** POST /login: slows password spraying, one password tried against many usernames. */
@Injectable()
export class LoginRateLimitGuard extends RateLimitGuard {
  protected readonly group = 'login';
}

/** Token, revocation and introspection endpoints: slows guessing of client secrets and floods. */
@Injectable()
export class OAuthRateLimitGuard extends RateLimitGuard {
  protected readonly group = 'oauth';
}
