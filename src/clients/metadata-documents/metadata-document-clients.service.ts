import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApisService } from '../../apis/apis.service';
import { AuditService } from '../../audit/audit.service';
import { ProviderEnvironment } from '../../config/environment';
import { isUniqueViolation } from '../../database/unique-violation';
import { ClientStore } from '../client.store';
import { ClientEntity } from '../entities/client.entity';
import { clientIdUrlProblem } from './client-id-url';
import { CACHE_MIN_SECONDS, DocumentFetcher } from './document-fetcher';
import { DocumentedClient, documentedClient } from './metadata-document';
import { MetadataDocumentError } from './metadata-document.error';

/**
 * At most this many documents' freshness, and as many refusals, are remembered; past it, the
 * longest remembered goes first.
 */
const DOCUMENTS_HELD = 1000;
/**
 * How long a document that could not be fetched, or was refused, is answered with the same refusal
 * without fetching it again: as long as a good document is used at least. Otherwise every request
 * naming a broken or slow URL would send the provider to fetch it once more.
 */
const REFUSAL_HELD_MS = CACHE_MIN_SECONDS * 1000;

/**
 * Clients known by their Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document):
 * the client_id is the URL of a JSON document that describes the client. Each such client has a
 * row in `clients`, made and kept up to date from its document, so that codes, grants, consents and
 * tokens refer to it as to any client and deleting it ends them all. The document is fetched again
 * once its Cache-Control allows (within DocumentFetcher's bounds); until then the row serves, as
 * ClientStore holds it (a row deleted meanwhile is made again from a new fetch). The row changes
 * only when a fetched document differs from it. Requests for a URL whose fetch is under way wait
 * for that one fetch; a refused document is refused again, unfetched, for REFUSAL_HELD_MS.
 */
@Injectable()
export class MetadataDocumentClients {
  readonly enabled: boolean;
  private readonly allowLoopback: boolean;
  /** By URL, the time (ms since the epoch) until which its document is not fetched again. */
  private readonly fresh = new Map<string, number>();
  /** By URL, the fetch under way. */
  private readonly fetching = new Map<string, Promise<ClientEntity>>();
  /** By URL, why its document was refused, and until when (ms since the epoch) that answer stands. */
  private readonly refused = new Map<string, { error: MetadataDocumentError; until: number }>();

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly fetcher: DocumentFetcher,
    private readonly clients: ClientStore,
    private readonly apis: ApisService,
    private readonly audit: AuditService,
  ) {
    this.enabled = config.get('CLIENT_ID_METADATA_DOCUMENTS', { infer: true }) === 'on';
    this.allowLoopback = config.get('CLIENT_ID_METADATA_ALLOW_LOOPBACK', { infer: true });
  }

  /** The client the document at `url` describes, frozen; a MetadataDocumentError when there is none. */
  async client(url: string): Promise<ClientEntity> {
    const problem = clientIdUrlProblem(url, this.allowLoopback);
    if (problem) throw new MetadataDocumentError(`the client_id URL ${problem}`);
    if ((this.fresh.get(url) ?? 0) > Date.now()) {
      const row = await this.clients.findById(url);
      if (row) return row;
    }
    const refusal = this.refused.get(url);
    if (refusal && refusal.until > Date.now()) throw refusal.error;
    let fetching = this.fetching.get(url);
    if (!fetching) {
      fetching = this.fetch(url)
        .catch((error: unknown) => {
          if (error instanceof MetadataDocumentError)
            remember(this.refused, url, { error, until: Date.now() + REFUSAL_HELD_MS });
          throw error;
        })
        .finally(() => this.fetching.delete(url));
      this.fetching.set(url, fetching);
    }
    return fetching;
  }

  private async fetch(url: string): Promise<ClientEntity> {
    const { body, maxAge } = await this.fetcher.fetch(new URL(url));
    const described = documentedClient(body, url, await this.apis.supportedScopes());
    const client = Object.freeze(await this.keep(url, described));
    this.refused.delete(url);
    this.fresh.delete(url);
    if (maxAge > 0) remember(this.fresh, url, Date.now() + maxAge * 1000);
    return client;
  }

  /**
   * The client's row as the document describes it: made if new, changed if the document changed
   * (an administrator's edits included: the document is the client's own word), else as it is.
   * A concurrent first fetch elsewhere may insert the row first; then it is read again. MySQL's
   * collations compare ids without regard to case, so an id that differs from another's only in
   * case cannot have a row of its own there, and is refused.
   */
  private async keep(url: string, described: DocumentedClient, attempt = 1): Promise<ClientEntity> {
    const existing = await this.clients.read(url);
    if (existing) {
      if (sameClient(existing, described)) return existing;
      const changed = await this.clients.save(Object.assign(existing, described, PUBLIC_CLIENT));
      await this.audit.record({ type: 'client.updated', actor: 'metadata_document', clientId: url, detail: {} });
      return changed;
    }
    const client = Object.assign(new ClientEntity(), { clientId: url, ...described, ...PUBLIC_CLIENT });
    try {
      await this.clients.insert(client);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (attempt > 1) throw new MetadataDocumentError('another client has this client_id in other letter case');
      return this.keep(url, described, attempt + 1);
    }
    await this.audit.record({
      type: 'client.created',
      actor: 'metadata_document',
      clientId: url,
      detail: { grant_types: client.grantTypes, scope: client.scope },
    });
    return client;
  }
}

/** Sets `url` in `map` as its newest entry; past DOCUMENTS_HELD entries, the oldest goes. */
function remember<T>(map: Map<string, T>, url: string, value: T): void {
  map.delete(url);
  if (map.size >= DOCUMENTS_HELD) map.delete(map.keys().next().value!);
  map.set(url, value);
}

/** What every document client is, whatever its row says: public, with PKCE, not a resource server. */
const PUBLIC_CLIENT = {
  secretHash: null,
  tokenEndpointAuthMethod: 'none',
  requirePkce: true,
  resourceServer: false,
} as const;

function sameClient(row: ClientEntity, described: DocumentedClient): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (
    row.name === described.name &&
    same(row.redirectUris, described.redirectUris) &&
    same(row.postLogoutRedirectUris ?? [], described.postLogoutRedirectUris) &&
    same(row.grantTypes, described.grantTypes) &&
    row.scope === described.scope &&
    row.idTokenSignedResponseAlg === described.idTokenSignedResponseAlg &&
    Object.entries(PUBLIC_CLIENT).every(([key, value]) => row[key as keyof ClientEntity] === value)
  );
}
