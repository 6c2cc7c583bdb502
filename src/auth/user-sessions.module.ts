import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionEntity } from './session.entity';
import { UserSessionsService } from './user-sessions.service';

/**
 * The sessions of a user, apart from the rest of signing in so that the administration of accounts
 * (AccountsModule, also in the CLI) can end them without the login pages.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity])],
  providers: [UserSessionsService],
  exports: [UserSessionsService],
})
export class UserSessionsModule {}
