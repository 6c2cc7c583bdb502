import { strictValidationPipe } from '../../common/http/strict-validation.pipe';
import { InvalidClientMetadataError } from '../../common/oauth/oauth.error';

/**
 * RFC 7591 §3.2.2: a bad field of the client metadata. The admin API and the console validate
 * with this one pipe, so both answer a bad field in the same words.
 */
export const clientMetadataPipe = strictValidationPipe((description) => new InvalidClientMetadataError(description));
