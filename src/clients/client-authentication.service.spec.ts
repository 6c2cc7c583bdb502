import { aClient, fakeClientResolver } from '../../test/helpers/fakes';
import { sha256 } from '../common/crypto/tokens';
import { InvalidClientError, InvalidRequestError } from '../common/oauth/oauth.error';
import { ClientAuthenticationService, ClientCredentialsSource } from './client-authentication.service';

const SECRET = 'secret with spaces & symbols:%';
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('ClientAuthenticationService', () => {
  const viaBasic = aClient({ clientId: 'basic:client', secretHash: sha256(SECRET) });
  const viaPost = aClient({
    clientId: 'post',
    secretHash: sha256(SECRET),
    tokenEndpointAuthMethod: 'client_secret_post',
  });
  const publicClient = aClient({ clientId: 'spa', secretHash: null, tokenEndpointAuthMethod: 'none' });
  const sut = new ClientAuthenticationService(fakeClientResolver(viaBasic, viaPost, publicClient));

  const authenticate = (source: Partial<ClientCredentialsSource>) =>
    sut.authenticate({ body: {}, query: {}, ...source });
  /** The invalid_client error, and whether it carries the Basic challenge (RFC 6749 §5.2). */
  async function refused(source: Partial<ClientCredentialsSource>): Promise<{ challenge: boolean }> {
    const error: unknown = await authenticate(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClientError);
    return { challenge: (error as InvalidClientError).challenge !== undefined };
  }

  it('authenticates with HTTP Basic, form-urlencoded before base64 (RFC 6749 §2.3.1)', async () => {
    await expect(authenticate({ authorization: basic('basic:client', SECRET) })).resolves.toBe(viaBasic);
  });

  it('authenticates with the secret in the body when registered for client_secret_post (RFC 6749 §2.3.1)', async () => {
    await expect(authenticate({ body: { client_id: 'post', client_secret: SECRET } })).resolves.toBe(viaPost);
  });

  it('identifies a public client by its client_id alone (RFC 6749 §2.1)', async () => {
    await expect(authenticate({ body: { client_id: 'spa' } })).resolves.toBe(publicClient);
  });

  it('refuses a wrong secret with invalid_client and the Basic challenge (RFC 6749 §5.2)', async () => {
    expect(await refused({ authorization: basic('basic:client', 'wrong') })).toEqual({ challenge: true });
    expect(await refused({ body: { client_id: 'post', client_secret: 'wrong' } })).toEqual({ challenge: false });
  });

  it('refuses an unknown client with invalid_client', async () => {
    await refused({ authorization: basic('nobody', SECRET) });
    await refused({ body: { client_id: 'nobody' } });
  });

  it('refuses a method other than the one registered, even with the right secret', async () => {
    await refused({ body: { client_id: 'basic:client', client_secret: SECRET } });
    await refused({ authorization: basic('post', SECRET) });
    await refused({ body: { client_id: 'post' } });
  });

  it('refuses a confidential client that shows no secret at all', async () => {
    await refused({ body: { client_id: 'basic:client' } });
  });

  it('asks for credentials, with the Basic challenge, when none are given (RFC 6749 §5.2)', async () => {
    expect(await refused({})).toEqual({ challenge: true });
  });

  it('refuses malformed Basic credentials with invalid_client', async () => {
    await refused({ authorization: 'Basic !!!' });
    await refused({ authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` });
    await refused({ authorization: `Basic ${Buffer.from('%zz:x').toString('base64')}` });
  });

  it('refuses credentials in the query string (RFC 6749 §2.3.1)', async () => {
    await expect(authenticate({ query: { client_id: 'spa' }, body: { client_id: 'spa' } })).rejects.toThrow(
      InvalidRequestError,
    );
    await expect(authenticate({ query: { client_secret: SECRET }, body: { client_id: 'spa' } })).rejects.toThrow(
      InvalidRequestError,
    );
  });

  it('refuses more than one authentication method in a request (RFC 6749 §2.3)', async () => {
    await expect(
      authenticate({ authorization: basic('basic:client', SECRET), body: { client_secret: SECRET } }),
    ).rejects.toThrow(InvalidRequestError);
  });

  it('refuses a body client_id that differs from the Basic one', async () => {
    await expect(
      authenticate({ authorization: basic('basic:client', SECRET), body: { client_id: 'post' } }),
    ).rejects.toThrow(InvalidRequestError);
    await expect(
      authenticate({ authorization: basic('basic:client', SECRET), body: { client_id: 'basic:client' } }),
    ).resolves.toBe(viaBasic);
  });

  it('refuses client_id or client_secret given twice with invalid_request', async () => {
    await expect(authenticate({ body: { client_id: ['spa', 'spa'] } })).rejects.toThrow(InvalidRequestError);
    await expect(authenticate({ body: { client_id: 'post', client_secret: [SECRET, SECRET] } })).rejects.toThrow(
      InvalidRequestError,
    );
  });
});
