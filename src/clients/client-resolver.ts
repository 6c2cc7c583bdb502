import { Injectable } from '@nestjs/common';
import { ClientStore } from './client.store';
import { ClientEntity } from './entities/client.entity';
import { isClientIdUrl } from './metadata-documents/client-id-url';
import { MetadataDocumentClients } from './metadata-documents/metadata-document-clients.service';

/**
 * The client a partner's request names by its client_id, at the authorization endpoint and
 * wherever a client authenticates: a registered client, as ClientStore.findById holds it, or, with
 * CLIENT_ID_METADATA_DOCUMENTS=on, the client an https client_id's metadata document describes.
 * While it is off, a URL names no client, even one whose row a document made earlier.
 */
@Injectable()
export class ClientResolver {
  constructor(
    private readonly clients: ClientStore,
    private readonly documents: MetadataDocumentClients,
  ) {}

  /** The client, or null if none has this id; a MetadataDocumentError when its document is refused. */
  findForRequest(clientId: string): Promise<ClientEntity | null> {
    if (!isClientIdUrl(clientId)) return this.clients.findById(clientId);
    return this.documents.enabled ? this.documents.client(clientId) : Promise.resolve(null);
  }
}
