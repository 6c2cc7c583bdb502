/**
 * Why a client_id URL names no usable client: its URL, the fetch or the document was refused.
 * Not an OAuth error itself: the authorization endpoint shows it on its error page, the token
 * endpoint answers it as `invalid_client`.
 */
export class MetadataDocumentError extends Error {
  override name = 'MetadataDocumentError';

  constructor(readonly reason: string) {
    super(reason);
  }
}
