import { Injectable } from '@nestjs/common';
import { safeEqual, sha256 } from '../common/crypto/tokens';
import { InvalidClientError, InvalidRequestError } from '../common/oauth/oauth.error';
import { ClientResolver } from './client-resolver';
import { ClientEntity, TokenEndpointAuthMethod } from './entities/client.entity';
import { MetadataDocumentError } from './metadata-documents/metadata-document.error';

export interface ClientCredentialsSource {
  authorization?: string;
  body: Record<string, unknown>;
  query: Record<string, unknown>;
}

interface PresentedCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  secret?: string;
}

/** A secret to compare against when the client is unknown, so that both cases cost the same. */
const NO_SECRET_HASH = sha256('');

/** Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3, §3.2.1). */
@Injectable()
export class ClientAuthenticationService {
  constructor(private readonly clients: ClientResolver) {}

  async authenticate(source: ClientCredentialsSource): Promise<ClientEntity> {
    const presented = this.credentials(source);
    const usedBasic = presented.method === 'client_secret_basic';
    const fail = (detail: string) => new InvalidClientError('client authentication failed', detail, { usedBasic });
    const client = await this.clients.findForRequest(presented.clientId).catch((error: unknown) => {
      if (!(error instanceof MetadataDocumentError)) throw error;
      throw new InvalidClientError(`the client's metadata document is refused: ${error.reason}`, undefined, {
        usedBasic,
      });
    });
    const secretOk = safeEqual(sha256(presented.secret ?? ''), client?.secretHash ?? NO_SECRET_HASH);
    if (!client) throw fail('unknown client');
    if (client.tokenEndpointAuthMethod !== presented.method) {
      throw fail(`client is registered for ${client.tokenEndpointAuthMethod}, used ${presented.method}`);
    }
    if (!client.isPublic && !secretOk) throw fail('wrong secret');
    return client;
  }

  /** Which method the request used, refusing more than one (RFC 6749 §2.3) and credentials in the URL. */
  private credentials({ authorization, body, query }: ClientCredentialsSource): PresentedCredentials {
    if ('client_secret' in query || 'client_id' in query) {
      throw new InvalidRequestError('client credentials must not be sent in the query string');
    }
    const bodyId = single(body.client_id, 'client_id');
    const bodySecret = single(body.client_secret, 'client_secret');

    if (authorization !== undefined) {
      const basic = parseBasic(authorization);
      if (bodySecret !== undefined) throw new InvalidRequestError('use only one client authentication method');
      if (bodyId !== undefined && bodyId !== basic.clientId) {
        throw new InvalidRequestError('client_id does not match the Authorization header');
      }
      return { method: 'client_secret_basic', ...basic };
    }
    if (bodyId === undefined) {
      throw new InvalidClientError('client authentication required', undefined, { usedBasic: true });
    }
    if (bodySecret !== undefined) return { method: 'client_secret_post', clientId: bodyId, secret: bodySecret };
    return { method: 'none', clientId: bodyId };
  }
}

function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidRequestError(`${name} must be given once`);
  return value;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function parseBasic(header: string): { clientId: string; secret: string } {
  const invalid = () => new InvalidClientError('malformed HTTP Basic credentials', undefined, { usedBasic: true });
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!match) throw invalid();
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw invalid();
  try {
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    throw invalid();
  }
}
