// The reference rows: servers that answer a fixed JSON document, the limits the others are read against.
import { join } from 'node:path';
import { freePort, message, startNode, stop } from './lib/process.mjs';

/** A reference server answering a fixed JSON document at `/`: bench/servers/`script`. */
export class ReferenceServer {
  constructor({ root, logDir, label, script }) {
    this.root = root;
    this.logDir = logDir;
    this.label = label;
    this.script = script;
  }

  async start() {
    this.port = await freePort();
    this.child = startNode(this.label, join(this.root, 'bench/servers', this.script), {
      env: { PATH: process.env.PATH, PORT: String(this.port) },
      ipc: true,
      logFile: join(this.logDir, this.script.replace(/\.mjs$/, '.log')),
    });
    await message(this.child, 'ready');
    return this;
  }

  stop() {
    return stop(this.child);
  }

  fixedJson() {
    return { url: `http://127.0.0.1:${this.port}/` };
  }
}
