import { Module } from '@nestjs/common';
import { KeyRolloverScheduler } from './key-rollover.scheduler';
import { KeysModule } from './keys.module';

/** Scheduled rollover of the signing keys, in the running provider only (not in the CLI). */
@Module({
  imports: [KeysModule],
  providers: [KeyRolloverScheduler],
})
export class KeyRolloverModule {}
