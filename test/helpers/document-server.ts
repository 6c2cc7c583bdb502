import { createServer, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the document server; `delayMs` holds it back that long. */
export interface ServedAnswer {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: string;
  delayMs?: number;
}

/**
 * A plain HTTP server on 127.0.0.1 that answers each path as told, for Client ID Metadata
 * Documents (the provider allows http to loopback hosts with CLIENT_ID_METADATA_ALLOW_LOOPBACK).
 * `serveJson` serves a document as a client would publish it; `hits` counts the requests per path.
 */
export class DocumentServer {
  private readonly answers = new Map<string, ServedAnswer>();
  private readonly counts = new Map<string, number>();
  private readonly server: Server;
  private base = '';

  private constructor() {
    this.server = createServer((request, response) => this.answer(request, response));
  }

  static async start(): Promise<DocumentServer> {
    const documents = new DocumentServer();
    await new Promise<void>((resolve) => documents.server.listen(0, '127.0.0.1', resolve));
    documents.base = `http://127.0.0.1:${(documents.server.address() as AddressInfo).port}`;
    return documents;
  }

  /** The URL of a path on this server. */
  url(path: string): string {
    return `${this.base}${path}`;
  }

  /** Answers the path as told from now on. */
  serve(path: string, answer: ServedAnswer): string {
    this.answers.set(path, answer);
    return this.url(path);
  }

  /** Serves `document` as application/json at the path, with `cacheControl` if given. */
  serveJson(path: string, document: object, cacheControl?: string): string {
    return this.serve(path, {
      headers: { 'content-type': 'application/json', ...(cacheControl && { 'cache-control': cacheControl }) },
      body: JSON.stringify(document),
    });
  }

  /** How many requests the path has had. */
  hits(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '/';
    this.counts.set(path, this.hits(path) + 1);
    const { status = 200, headers = {}, body = '', delayMs = 0 } = this.answers.get(path) ?? { status: 404 };
    const send = () => {
      if (response.destroyed) return;
      response.writeHead(status, headers).end(body);
    };
    if (delayMs > 0) setTimeout(send, delayMs).unref();
    else send();
  }
}
