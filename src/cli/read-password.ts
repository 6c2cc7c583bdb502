import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * A password given on standard input, so that it stays out of the process list and the shell
 * history: typed at a prompt without echo on a terminal, else read to the end (one trailing
 * newline dropped, as `echo` and here-documents add it). `fail` makes the error for an empty one.
 */
export async function readPassword(prompt: string, fail: (message: string) => Error): Promise<string> {
  const password = process.stdin.isTTY ? await promptHidden(prompt, fail) : (await readAll()).replace(/\r?\n$/, '');
  if (password === '') throw fail('the password is empty');
  return password;
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The prompt on stderr (stdout carries the command's answer); what is typed is echoed nowhere. */
function promptHidden(prompt: string, fail: (message: string) => Error): Promise<string> {
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const input = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve, reject) => {
    input.on('SIGINT', () => {
      input.close();
      process.stderr.write('\n');
      reject(fail('cancelled'));
    });
    input.question('', (answer) => {
      input.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
