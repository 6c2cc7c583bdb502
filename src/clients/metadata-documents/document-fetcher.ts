import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ProviderEnvironment } from '../../config/environment';
import { addressKind } from './blocked-addresses';
import { MetadataDocumentError } from './metadata-document.error';

/** The draft's suggested bound on a document (§6.5): larger ones are refused, and no more is read. */
export const DOCUMENT_MAX_BYTES = 5 * 1024;

/** How long a fetched document is used at least and at most, whatever its Cache-Control says (seconds). */
export const CACHE_MIN_SECONDS = 60;
export const CACHE_MAX_SECONDS = 24 * 60 * 60;

export interface FetchedDocument {
  /** The body as text, at most DOCUMENT_MAX_BYTES. */
  body: string;
  /** Seconds the document may be used without fetching it again; 0: for this request only. */
  maxAge: number;
}

/**
 * Fetches Client ID Metadata Documents without letting a client_id reach into the provider's own
 * network (draft-ietf-oauth-client-id-metadata-document §6.5, server-side request forgery): the
 * host is resolved here, every address it resolves to must be public (loopback too when
 * CLIENT_ID_METADATA_ALLOW_LOOPBACK is true), and the connection goes to the address checked, never
 * to a second DNS answer. A redirect is a refusal, not followed. One deadline covers resolution,
 * connection and body; the body is read up to DOCUMENT_MAX_BYTES and must be application/json.
 */
@Injectable()
export class DocumentFetcher {
  private readonly allowLoopback: boolean;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<ProviderEnvironment, true>) {
    this.allowLoopback = config.get('CLIENT_ID_METADATA_ALLOW_LOOPBACK', { infer: true });
    this.timeoutMs = config.get('CLIENT_ID_METADATA_TIMEOUT_MS', { infer: true });
  }

  /** The document at `url` (already checked by clientIdUrlProblem), or a MetadataDocumentError saying why not. */
  async fetch(url: URL): Promise<FetchedDocument> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.timeoutMs);
    try {
      const addresses = await Promise.race([this.checkedAddresses(url.hostname), aborted(deadline.signal)]);
      const response = await this.get(url, addresses, deadline.signal);
      return { body: await readBody(response), maxAge: cacheSeconds(response.headers['cache-control']) };
    } catch (error) {
      if (deadline.signal.aborted) {
        throw new MetadataDocumentError(`fetching the document took longer than ${this.timeoutMs} ms`);
      }
      if (error instanceof MetadataDocumentError) throw error;
      throw new MetadataDocumentError(`the document could not be fetched (${describe(error)})`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The addresses to connect to: every address the host resolves to, each of them allowed. */
  private async checkedAddresses(hostname: string): Promise<LookupAddress[]> {
    const literal = hostname.replace(/^\[(.*)\]$/, '$1');
    const addresses: LookupAddress[] = isIP(literal)
      ? [{ address: literal, family: isIP(literal) }]
      : await lookup(hostname, { all: true, verbatim: true }).catch(() => {
          throw new MetadataDocumentError(`the host ${hostname} does not resolve`);
        });
    if (addresses.length === 0) throw new MetadataDocumentError(`the host ${hostname} does not resolve`);
    for (const { address } of addresses) {
      const kind = addressKind(address);
      if (kind === 'private' || (kind === 'loopback' && !this.allowLoopback)) {
        throw new MetadataDocumentError(`the host ${hostname} resolves to a ${kind} address`);
      }
    }
    return addresses;
  }

  /**
   * GET the URL from the addresses checked, never from another DNS answer (Node tries each of them
   * in turn when it may); the TLS certificate is still checked against the URL's host.
   */
  private get(url: URL, addresses: LookupAddress[], signal: AbortSignal): Promise<IncomingMessage> {
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.get(url, {
        signal,
        headers: { accept: 'application/json', 'accept-encoding': 'identity' },
        agent: false,
        lookup: (_host, options, callback) =>
          options.all
            ? (callback as (e: null, a: LookupAddress[]) => void)(null, addresses)
            : callback(null, addresses[0].address, addresses[0].family),
      });
      request.once('response', resolve);
      request.once('error', reject);
    });
  }
}

/** A promise that rejects when the signal aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
}

/** The body of a 200 application/json answer, refused beyond DOCUMENT_MAX_BYTES. */
async function readBody(response: IncomingMessage): Promise<string> {
  const refuse = (reason: string) => {
    response.destroy();
    return new MetadataDocumentError(reason);
  };
  const { statusCode = 0, headers } = response;
  if (statusCode >= 300 && statusCode < 400)
    throw refuse(`the document URL redirects (HTTP ${statusCode}), which is not followed`);
  if (statusCode !== 200) throw refuse(`the document URL answered HTTP ${statusCode}`);
  const mediaType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') throw refuse('the document is not served as application/json');
  if (headers['content-encoding'] && headers['content-encoding'] !== 'identity') {
    throw refuse('the document is served with a content encoding');
  }
  if (Number(headers['content-length']) > DOCUMENT_MAX_BYTES) throw refuse(tooLarge());
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > DOCUMENT_MAX_BYTES) throw refuse(tooLarge());
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(): string {
  return `the document is larger than ${DOCUMENT_MAX_BYTES} bytes`;
}

/**
 * How long the answer may be used (RFC 9111 §5.2.2), within [CACHE_MIN_SECONDS, CACHE_MAX_SECONDS]:
 * no-store and no-cache mean this request only, as the provider does not revalidate; no max-age
 * means the least.
 */
function cacheSeconds(cacheControl: string | undefined): number {
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return 0;
  const maxAge = directives.map((d) => /^max-age="?(\d+)"?$/.exec(d)).find(Boolean);
  const seconds = maxAge ? Number(maxAge[1]) : CACHE_MIN_SECONDS;
  return Math.min(CACHE_MAX_SECONDS, Math.max(CACHE_MIN_SECONDS, seconds));
}

/** A network error's code, never more: the reason is shown to the user and the client. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'network error';
}
