import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { OptionalEmail, Password, TextLine } from './user-fields';

/** POST /admin/users. */
export class NewUserDto {
  @ApiProperty({ minLength: 1, maxLength: 255 })
  @TextLine('username')
  username: string;

  @ApiProperty({ minLength: 1, maxLength: 1024, writeOnly: true })
  @Password()
  password: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 255 })
  @IsOptional()
  @TextLine('name')
  name?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 255 })
  @OptionalEmail()
  email?: string;

  @ApiPropertyOptional({ description: 'Makes the user an administrator; false when left out.' })
  @IsOptional()
  @IsBoolean()
  admin?: boolean;
}
