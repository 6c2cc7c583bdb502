import type { ChildProcess } from 'node:child_process';
import { until } from './until';

/**
 * Waits until the server started as `child` answers GET /health on `port` (it may take a few
 * seconds to run the migrations); fails at once if it exits first, with what `output` returns.
 */
export function untilHealthy(child: ChildProcess, port: number, output: () => string = () => ''): Promise<void> {
  return until(
    async () => {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${output()}`);
      return fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
    },
    'the server answers /health',
    20_000,
  );
}
