import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { InvalidRequestError, OAuthError } from '../oauth/oauth.error';

/** The first problem class-validator found, nested ones included, in one line. */
export function describe(errors: ValidationError[]): string {
  const first = errors[0];
  if (!first) return 'invalid request';
  if (first.children?.length) return describe(first.children);
  // Decorators apply bottom-up, so the constraints arrive in reverse of the order written. The
  // first one written (the type check, by habit) is the one to name: "must be an array", not
  // "must contain no more than 50 elements" for a string.
  return Object.values(first.constraints ?? {}).at(-1) ?? `${first.property} is invalid`;
}

/** Far deeper than any body or query the provider takes (client metadata nests two levels). */
const MAX_NESTING = 8;

/** Whether arrays and objects nest deeper than `limit` in `value`; level by level, without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true;
    level = level.flatMap((v) => (v !== null && typeof v === 'object' ? Object.values(v) : []));
  }
  return false;
}

/**
 * Refuses deeply nested input before validation: ValidationPipe and class-transformer walk it
 * recursively, and a 64 KB body of `[[[[...` overflows the stack (a server error, not a 400).
 */
class StrictValidationPipe extends ValidationPipe {
  constructor(
    private readonly toError: (description: string) => OAuthError,
    options: ValidationPipeOptions,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (nestsDeeperThan(value, MAX_NESTING)) throw this.toError('the request nests values too deeply');
    return super.transform(value, metadata);
  }
}

function pipe(toError: (description: string) => OAuthError, forbidUnknown: boolean): ValidationPipe {
  return new StrictValidationPipe(toError, {
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
 * class-validator on a JSON body whose unknown fields are dropped, not refused: RFC 7591 §2 has
 * a registration endpoint ignore the client metadata it does not understand.
 */
export function lenientValidationPipe(toError: (description: string) => OAuthError): ValidationPipe {
  return pipe(toError, false);
}

/** strictValidationPipe for input that is not client metadata (queries): a bad value is `invalid_request`. */
export const invalidRequestPipe = strictValidationPipe((description) => new InvalidRequestError(description));

/**
 * class-validator on OAuth form parameters: a parameter sent twice (an array)
 * or malformed is `invalid_request`; parameters not declared are ignored, as
 * RFC 6749 §3.1 asks.
 */
export const oauthParamsPipe = pipe((description) => new InvalidRequestError(description), false);
