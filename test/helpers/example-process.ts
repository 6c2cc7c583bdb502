import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository's root, where `examples/` lives. */
export const ROOT = join(__dirname, '..', '..');

/**
 * A script of examples/ running in a node process of its own, as a person runs it (the examples
 * are ES modules, which Jest's CommonJS runtime does not load). Its output is read line by line.
 */
export interface ExampleProcess {
  /** The first stdout line matching `pattern`, once printed; rejected if the process ends first. */
  line(pattern: RegExp): Promise<RegExpExecArray>;
  /** Its exit code, once it has ended; with what it wrote to stderr. */
  exited: Promise<{ code: number | null; stderr: string }>;
  /** Ends it (SIGTERM) unless it has ended already. */
  close(): Promise<void>;
}

export function startExample(script: string, args: string[], env: Record<string, string> = {}): ExampleProcess {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    waiting.forEach((check) => check());
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('close', (code) => {
      resolve({ code, stderr });
      waiting.forEach((check) => check());
    }),
  );

  return {
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout
            .split('\n')
            .map((line) => pattern.exec(line))
            .find(Boolean);
          if (match) {
            waiting.delete(check);
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiting.delete(check);
            reject(
              new Error(
                `${script} ended (${child.exitCode ?? child.signalCode}) before printing ${pattern}: ${stderr}`,
              ),
            );
          }
        };
        waiting.add(check);
        check();
      }),
    exited,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
