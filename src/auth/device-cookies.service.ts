import type { CookieSerializeOptions } from '@fastify/cookie';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHmac } from 'node:crypto';
import { randomToken, safeEqual } from '../common/crypto/tokens';
import { ProviderEnvironment } from '../config/environment';
import { keyFor, resolveSessionSecret } from '../config/session-secret';
import { RateLimits } from '../rate-limit/rate-limits';
import { usernameKey } from './username-key';

/** How long a browser stays trusted after its last successful sign-in: half a year, under the 400 days browsers keep a cookie at most. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;

export interface DeviceCookie {
  name: string;
  value: string;
  options: CookieSerializeOptions;
}

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser in
 * which a user has signed in carries a cookie that names a random device id and is signed, with a
 * key derived from SESSION_SECRET, for that user's username. Such a browser signing in as that user
 * is not held back by the username's back-off nor by its address's failure budget, so someone
 * guessing the password elsewhere cannot keep the owner out. Each device id has a small failure
 * budget of its own (LOGIN_DEVICE_FAILURES per RATE_LIMIT_FAILURE_WINDOW); past it the browser
 * is treated as unknown until the window ends. A cookie copied to another username is worthless:
 * its signature covers the username. One cookie per username, so people sharing a browser each
 * have theirs.
 */
@Injectable()
export class DeviceCookiesService {
  private readonly key: string;
  private readonly secure: boolean;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly limits: RateLimits,
  ) {
    // Its own key: a device cookie's signature is never valid as anything the session secret signs.
    this.key = keyFor(resolveSessionSecret(config.get('SESSION_SECRET', { infer: true })), 'device cookie');
    this.secure = config.get('ISSUER', { infer: true }).startsWith('https:');
  }

  /** The device id of a trusted browser signing in as `username`, or null when it is not one. */
  async trusted(cookies: Record<string, string | undefined>, username: unknown): Promise<string | null> {
    if (typeof username !== 'string') return null;
    const key = usernameKey(username);
    const [device, signature, ...rest] = (cookies[cookieName(key)] ?? '').split('.');
    if (!device || !signature || rest.length || !safeEqual(signature, this.sign(key, device))) return null;
    return (await this.limits.deviceFailures.wait(device)) ? null : device;
  }

  /** A new device cookie for the browser in which `username` has just signed in. */
  issue(username: string): DeviceCookie {
    const key = usernameKey(username);
    const device = randomToken(16);
    return {
      name: cookieName(key),
      value: `${device}.${this.sign(key, device)}`,
      options: {
        httpOnly: true,
        sameSite: 'lax',
        secure: this.secure,
        path: '/login',
        maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
      },
    };
  }

  private sign(key: string, device: string): string {
    return createHmac('sha256', this.key).update(`${key}.${device}`).digest('base64url');
  }
}

/** Named after the username's key, not the username: the name is visible to whoever sees the browser's cookies. */
function cookieName(key: string): string {
  return `device_${key.slice(0, 16)}`;
}
