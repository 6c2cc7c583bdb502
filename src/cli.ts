import { NestFactory } from '@nestjs/core';
import { CliModule } from './cli/cli.module';
import { CliError, runCommand } from './cli/commands';
import { ConfigurationError } from './config/environment';

/**
 * Administration from a shell: `npm run -s cli -- <command> [flags]`.
 * With --json, stdout carries exactly one JSON object; logs and errors go to stderr.
 */
async function main(): Promise<void> {
  // No Nest logger: every failure is rethrown to the catch below, which prints it as one line;
  // Nest's own report of it would be a second copy with a stack trace.
  const createApp = () => NestFactory.createApplicationContext(CliModule, { logger: false, abortOnError: false });
  const { result, json } = await runCommand(createApp, process.argv.slice(2));
  process.stdout.write(json ? `${JSON.stringify(result.json)}\n` : `${result.text}\n`);
}

main().catch((error: Error) => {
  const known = error instanceof CliError || error instanceof ConfigurationError;
  const message = known ? error.message : `unexpected failure: ${error.message}`;
  // One line even when a message spans several (a driver's, or a username with a newline in it).
  process.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
});
