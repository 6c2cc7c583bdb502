import { TooManyRequestsError } from '../common/oauth/oauth.error';

/** 429 with Retry-After, saying why and how long to wait; the exception filters make it RFC 6749 §5.2 JSON or the login page. */
export function refusal(reason: string, seconds: number): TooManyRequestsError {
  return new TooManyRequestsError(
    `${reason}. Wait ${seconds} second${seconds === 1 ? '' : 's'}, then try again.`,
    seconds,
  );
}
