import { Injectable } from '@nestjs/common';
import { addressKey } from '../rate-limit/address-key';
import { RateLimits } from '../rate-limit/rate-limits';
import { LoginThrottleService } from './login-throttle.service';

export interface SignInAttempt {
  /** The client address (request.ip). */
  ip: string;
  username: unknown;
  /** The device id of a trusted browser for this username (DeviceCookiesService), or null. */
  device: string | null;
}

/**
 * The limits every sign-in meets, counting failures and never successes:
 *
 * - per client address, RATE_LIMIT_LOGIN_FAILURES failed sign-ins per RATE_LIMIT_FAILURE_WINDOW
 *   (wrong password, unknown username, refused by a username's back-off): password spraying, a
 *   few guesses for each of many usernames, meets this budget; an office behind one address
 *   whose people sign in correctly never spends it;
 * - per username, the back-off of LoginThrottleService: guessing one account's password;
 * - a trusted browser (device cookie) skips both for its own username and spends its own small
 *   budget instead, and its failures still count against its address.
 *
 * Each attempt takes from its address's budget before the password is checked and gives it back
 * when the sign-in succeeds: parallel guesses cannot overrun the budget, and a refused attempt
 * costs no password hash.
 */
@Injectable()
export class SignInLimitsService {
  constructor(
    private readonly limits: RateLimits,
    private readonly throttle: LoginThrottleService,
  ) {}

  /** Checks the sign-in with `verify` unless a limit refuses it (TooManyRequestsError). Returns what `verify` found. */
  async attempt<T>({ ip, username, device }: SignInAttempt, verify: () => Promise<T | null>): Promise<T | null> {
    const address = addressKey(ip);
    if (device) {
      const user = await verify();
      if (!user)
        await Promise.all([this.limits.loginFailures.spend(address), this.limits.deviceFailures.spend(device)]);
      return user;
    }
    const wait = await this.limits.loginFailures.spend(address);
    if (wait) throw this.limits.refuse('login-failures', 'Too many failed sign-ins from your network', wait);
    // A refusal by the username's back-off propagates, and stays counted against the address.
    const user = await this.throttle.attempt(username, verify);
    if (user) await this.limits.loginFailures.refund(address);
    return user;
  }
}
