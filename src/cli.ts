import { NestFactory } from '@nestjs/core';
import { CliModule } from './cli/cli.module';
import { CliError, runCommand } from './cli/commands';
import { ConfigurationError } from './config/environment';
import { UsernameTakenError } from './users/users.service';

/**
 * Administration from a shell: `npm run -s cli -- <command> [flags]`.
 * With --json, stdout carries exactly one JSON object; logs and errors go to stderr.
 */
async function main(): Promise<void> {
  const createApp = () => NestFactory.createApplicationContext(CliModule, { logger: ['error'], abortOnError: false });
  const { result, json } = await runCommand(createApp, process.argv.slice(2));
  process.stdout.write(json ? `${JSON.stringify(result.json)}\n` : `${result.text}\n`);
}

main().catch((error: Error) => {
  const known = error instanceof CliError || error instanceof ConfigurationError || error instanceof UsernameTakenError;
  process.stderr.write(`error: ${known ? error.message : `unexpected failure: ${error.message}`}\n`);
  process.exit(1);
});
