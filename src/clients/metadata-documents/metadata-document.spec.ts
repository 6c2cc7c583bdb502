import { documentedClient } from './metadata-document';
import { MetadataDocumentError } from './metadata-document.error';

const URL_ = 'https://app.example/client.json';
const SUPPORTED = ['openid', 'profile', 'email', 'offline_access', 'read'];
const document = (changes: Record<string, unknown> = {}) =>
  JSON.stringify({ client_id: URL_, redirect_uris: ['https://app.example/cb'], ...changes });
const refusal = (body: string) => {
  try {
    documentedClient(body, URL_, SUPPORTED);
  } catch (error) {
    expect(error).toBeInstanceOf(MetadataDocumentError);
    return (error as MetadataDocumentError).reason;
  }
  throw new Error('accepted');
};

describe('documentedClient', () => {
  it('describes a public client with the defaults of RFC 7591 and the OpenID scopes', () => {
    expect(documentedClient(document(), URL_, SUPPORTED)).toEqual({
      name: 'app.example',
      redirectUris: ['https://app.example/cb'],
      postLogoutRedirectUris: [],
      grantTypes: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email offline_access',
      idTokenSignedResponseAlg: 'RS256',
    });
  });

  it('takes the name, grants, scope and ID token algorithm the document gives', () => {
    const body = document({
      client_name: ' App ',
      grant_types: ['authorization_code'],
      scope: 'openid read',
      id_token_signed_response_alg: 'ES256',
    });
    expect(documentedClient(body, URL_, SUPPORTED)).toMatchObject({
      name: 'App',
      grantTypes: ['authorization_code'],
      scope: 'openid read',
      idTokenSignedResponseAlg: 'ES256',
    });
  });

  it.each([
    ['not json', 'is not JSON'],
    ['[]', 'is not a JSON object'],
    ['null', 'is not a JSON object'],
    [document({ client_id: 'https://app.example/other.json' }), 'names another client_id'],
    [document({ client_id: undefined }), 'names another client_id'],
    [document({ client_secret: 'x' }), 'must not contain client_secret'],
    [document({ client_secret_expires_at: 0 }), 'must not contain client_secret_expires_at'],
    [document({ token_endpoint_auth_method: 'private_key_jwt' }), 'token_endpoint_auth_method none'],
    [document({ redirect_uris: undefined }), 'redirect_uris as a list'],
    [document({ redirect_uris: [] }), 'at least one redirect_uri'],
    [document({ redirect_uris: ['https://app.example/*'] }), 'contains a wildcard'],
    [document({ redirect_uris: ['javascript:alert(1)'] }), 'javascript'],
    [document({ post_logout_redirect_uris: ['http://app.example/'] }), 'uses http with a host other'],
    [document({ grant_types: ['client_credentials'] }), 'only authorization_code and refresh_token'],
    [document({ grant_types: ['refresh_token'] }), 'must allow the authorization_code grant'],
    [document({ response_types: ['token'] }), 'only code as response_types'],
    [document({ scope: 'openid admin' }), 'asks for the scope admin'],
    [document({ scope: '' }), 'not a list of scope tokens'],
    [document({ scope: 42 }), 'not a list of scope tokens'],
    [document({ client_name: 'a\nb' }), 'client_name'],
    [document({ client_name: 'x'.repeat(256) }), 'client_name'],
    [document({ id_token_signed_response_alg: 'none' }), 'RS256 or ES256 as id_token_signed_response_alg'],
    [document({ id_token_signed_response_alg: 'HS256' }), 'RS256 or ES256 as id_token_signed_response_alg'],
    [document({ id_token_signed_response_alg: null }), 'RS256 or ES256 as id_token_signed_response_alg'],
  ])('refuses %s', (body, reason) => {
    expect(refusal(body)).toContain(reason);
  });
});
