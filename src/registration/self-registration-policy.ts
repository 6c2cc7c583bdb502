import { ClientMetadataDto } from '../clients/dto/client-metadata.dto';
import { InvalidClientMetadataError } from '../common/oauth/oauth.error';

/** The grants a client registering itself may use: it acts for users, never for itself. */
const SELF_REGISTERED_GRANTS = ['authorization_code', 'refresh_token'];

/**
 * What anyone may register (RFC 7591 §5: the server may restrict what an unauthenticated, or
 * merely token-holding, registrant sets), on top of every client's rules (ClientsService): no
 * client_credentials, no introspection of other clients' tokens, PKCE always (RFC 9700 §2.1.1),
 * and no administration of the provider.
 */
export function checkSelfRegistration(metadata: ClientMetadataDto): void {
  const refused = metadata.grant_types?.find((grant) => !SELF_REGISTERED_GRANTS.includes(grant));
  if (refused) {
    throw new InvalidClientMetadataError(
      `a self-registered client may use only the ${SELF_REGISTERED_GRANTS.join(' and ')} grants, not ${refused}`,
    );
  }
  if (metadata.resource_server === true) {
    throw new InvalidClientMetadataError('a self-registered client cannot be a resource_server');
  }
  if (metadata.require_pkce === false) {
    throw new InvalidClientMetadataError('a self-registered client must use PKCE (require_pkce cannot be false)');
  }
  if (metadata.scope?.split(' ').includes('admin')) {
    throw new InvalidClientMetadataError('a self-registered client cannot hold the admin scope');
  }
}
