import { lenientValidationPipe } from '../../common/http/strict-validation.pipe';
import { InvalidClientMetadataError } from '../../common/oauth/oauth.error';

/**
 * RFC 7591 §3.2.2: a bad field is invalid_client_metadata, in the same words as the admin API's;
 * RFC 7591 §2: metadata the provider does not know (logo_uri, contacts, ...) is dropped, not refused.
 */
export const registrationMetadataPipe = lenientValidationPipe(
  (description) => new InvalidClientMetadataError(description),
);
