import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidRequestError, OAuthError } from '../oauth/oauth.error';

function describe(errors: ValidationError[]): string {
  const first = errors[0];
  if (!first) return 'invalid request';
  if (first.children?.length) return describe(first.children);
  return Object.values(first.constraints ?? {})[0] ?? `${first.property} is invalid`;
}

function pipe(toError: (description: string) => OAuthError, forbidUnknown: boolean): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: forbidUnknown,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => toError(describe(errors)),
  });
}

/**
 * class-validator on JSON bodies and queries: unknown fields are refused, and
 * the first problem becomes the given OAuth error, so the caller reads one clear line.
 */
export function strictValidationPipe(toError: (description: string) => OAuthError): ValidationPipe {
  return pipe(toError, true);
}

/**
 * class-validator on OAuth form parameters: a parameter sent twice (an array)
 * or malformed is `invalid_request`; parameters not declared are ignored, as
 * RFC 6749 §3.1 asks.
 */
export const oauthParamsPipe = pipe((description) => new InvalidRequestError(description), false);
