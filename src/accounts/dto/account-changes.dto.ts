import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { AccountChanges } from '../user-accounts.service';
import { OptionalEmail, Password, TextLine } from './user-fields';

/** PATCH /admin/users/:id: any of the fields. */
export class AccountChangesDto implements AccountChanges {
  @ApiPropertyOptional({ minLength: 1, maxLength: 255 })
  @IsOptional()
  @TextLine('name')
  name?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 255 })
  @OptionalEmail()
  email?: string;

  @ApiPropertyOptional({ description: 'Disabling ends every grant and browser session of the user.' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ description: 'Taking the role ends every grant of the user.' })
  @IsOptional()
  @IsBoolean()
  admin?: boolean;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 1024,
    writeOnly: true,
    description: 'A new password ends every grant and browser session of the user.',
  })
  @IsOptional()
  @Password()
  password?: string;
}
