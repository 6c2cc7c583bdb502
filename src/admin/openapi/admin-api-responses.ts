import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiDefaultResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { OAuthErrorBody } from '../../common/oauth/oauth-error-body';

/** The name of the bearer security scheme in the admin API's OpenAPI document. */
export const ADMIN_BEARER = 'bearer';

/**
 * What every admin route answers besides its success, for the OpenAPI document: BearerTokenGuard's
 * 401 and 403 (RFC 6750 §3.1), and any other error in the RFC 6749 §5.2 shape (a 503 while the
 * database is down, a 413 for a body too large).
 */
export const AdminApi = (tag: string) =>
  applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(ADMIN_BEARER),
    ApiUnauthorizedResponse({
      type: OAuthErrorBody,
      description: 'No bearer token, or one this provider did not issue or no longer honours: invalid_token.',
      headers: {
        'WWW-Authenticate': { description: 'The Bearer challenge (RFC 6750 §3).', schema: { type: 'string' } },
      },
    }),
    ApiForbiddenResponse({ type: OAuthErrorBody, description: 'The token lacks the admin scope: insufficient_scope.' }),
    ApiDefaultResponse({ type: OAuthErrorBody, description: 'Any other error.' }),
  );

/** A request the rules refuse: a bad field (invalid_request, invalid_client_metadata, invalid_redirect_uri). */
export const ApiRefused = () =>
  ApiBadRequestResponse({ type: OAuthErrorBody, description: 'A value the rules refuse, named in error_description.' });

/** A path naming nothing that exists: not_found. */
export const ApiUnknown = (what: string) =>
  ApiNotFoundResponse({ type: OAuthErrorBody, description: `No such ${what}: not_found.` });
