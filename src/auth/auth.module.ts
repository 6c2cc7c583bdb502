import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { UsersModule } from '../users/users.module';
import { CsrfGuard } from './csrf.guard';
import { CsrfService } from './csrf.service';
import { LocalStrategy } from './local.strategy';
import { LoginController } from './login.controller';
import { LoginService } from './login.service';
import { SessionGuard } from './session.guard';

@Module({
  imports: [UsersModule, PassportModule],
  controllers: [LoginController],
  providers: [LocalStrategy, LoginService, CsrfService, CsrfGuard, SessionGuard],
  exports: [CsrfService, CsrfGuard, SessionGuard],
})
export class AuthModule {}
