import { applyDecorators } from '@nestjs/common';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** A line of text a person reads back (a username, a name): no control characters. */
export const TextLine = (field: string) =>
  applyDecorators(
    IsString(),
    MinLength(1),
    MaxLength(255),
    Matches(/^[^\x00-\x1f\x7f]*$/, { message: `${field} must not contain control characters` }),
  );

export const OptionalEmail = () =>
  applyDecorators(IsOptional(), IsEmail({}, { message: 'email must be an email address' }), MaxLength(255));

/**
 * As user:create has it: any password but an empty one. At most what sign-in verifies
 * (UsersService.verifyCredentials), or the password could never be used.
 */
export const Password = () =>
  applyDecorators(
    IsString(),
    MinLength(1, { message: 'password must not be empty' }),
    MaxLength(1024, { message: 'password must be at most 1024 characters' }),
  );
