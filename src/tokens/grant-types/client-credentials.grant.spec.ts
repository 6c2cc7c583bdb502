import { aClient, fakeApis, fakeAudit } from '../../../test/helpers/fakes';
import { InvalidScopeError, UnauthorizedClientError } from '../../common/oauth/oauth.error';
import { TokenResponseFactory } from '../token-response.factory';
import { ClientCredentialsGrant } from './client-credentials.grant';

describe('ClientCredentialsGrant', () => {
  let audit: ReturnType<typeof fakeAudit>;
  let forClient: jest.Mock;
  let sut: ClientCredentialsGrant;
  const client = aClient({ scope: 'api:read api:write' });

  beforeEach(() => {
    audit = fakeAudit();
    forClient = jest.fn((_client, scope: string) =>
      Promise.resolve({ access_token: 'at', token_type: 'Bearer', expires_in: 300, scope }),
    );
    sut = new ClientCredentialsGrant({ forClient } as unknown as TokenResponseFactory, audit, fakeApis());
  });

  it('gives the client its whole registered scope when it asks for none (RFC 6749 §3.3)', async () => {
    await expect(sut.handle({}, client, '10.0.0.1')).resolves.toMatchObject({ scope: 'api:read api:write' });
    expect(forClient).toHaveBeenCalledWith(client, 'api:read api:write', undefined);
  });

  it('treats an empty scope as no scope', async () => {
    await expect(sut.handle({ scope: '' }, client, '10.0.0.1')).resolves.toMatchObject({
      scope: 'api:read api:write',
    });
  });

  it('gives exactly the scope asked for when the client may have it', async () => {
    await expect(sut.handle({ scope: 'api:read' }, client, '10.0.0.1')).resolves.toMatchObject({ scope: 'api:read' });
    expect(forClient).toHaveBeenCalledWith(client, 'api:read', undefined);
  });

  it('refuses a scope wider than the registration with invalid_scope (RFC 6749 §5.2)', async () => {
    await expect(sut.handle({ scope: 'api:read admin' }, client, '10.0.0.1')).rejects.toThrow(InvalidScopeError);
    expect(forClient).not.toHaveBeenCalled();
  });

  it('refuses a malformed scope with invalid_scope (RFC 6749 §3.3)', async () => {
    await expect(sut.handle({ scope: 'api:read  api:write' }, client, '10.0.0.1')).rejects.toThrow(InvalidScopeError);
  });

  it('refuses a public client with unauthorized_client: it cannot authenticate (RFC 6749 §4.4)', async () => {
    const publicClient = aClient({ tokenEndpointAuthMethod: 'none', scope: 'api:read' });
    await expect(sut.handle({}, publicClient, '10.0.0.1')).rejects.toThrow(UnauthorizedClientError);
    expect(forClient).not.toHaveBeenCalled();
  });

  it('answers through the response for a client acting for itself, and records the issue in the audit trail', async () => {
    await sut.handle({ scope: 'api:write' }, client, '10.0.0.1');
    expect(audit.recorded).toEqual([
      {
        type: 'token.issued',
        actor: 'client:partner',
        clientId: 'partner',
        ip: '10.0.0.1',
        detail: { grant_type: 'client_credentials', scope: 'api:write' },
      },
    ]);
  });
});
