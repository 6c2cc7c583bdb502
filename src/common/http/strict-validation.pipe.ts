import { ValidationError, ValidationPipe } from '@nestjs/common';
import { OAuthError } from '../oauth/oauth.error';

function describe(errors: ValidationError[]): string {
  const first = errors[0];
  if (!first) return 'invalid request';
  if (first.children?.length) return describe(first.children);
  return Object.values(first.constraints ?? {})[0] ?? `${first.property} is invalid`;
}

/**
 * class-validator on bodies and queries: unknown fields are refused, and the
 * first problem becomes the given OAuth error, so the caller reads one clear line.
 */
export function strictValidationPipe(toError: (description: string) => OAuthError): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => toError(describe(errors)),
  });
}
