import { IsString } from 'class-validator';
import { aClient, inMemoryMetrics } from '../../test/helpers/fakes';
import { GrantType } from '../common/oauth/grant-types';
import {
  InvalidRequestError,
  InvalidTargetError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
} from '../common/oauth/oauth.error';
import { ProviderMetrics } from '../metrics/provider-metrics';
import { GrantHandler } from './grant-types/grant-handler';
import { TokensService } from './tokens.service';

class CodeParams {
  @IsString()
  code: string;
}

/** A handler of `grantType` that answers with what it was given. */
function handlerOf(grantType: GrantType): GrantHandler & { handle: jest.Mock } {
  return {
    grantType,
    parameters: CodeParams,
    handle: jest.fn((params: object, client: { clientId: string }, ip: string) =>
      Promise.resolve({ params, client: client.clientId, ip }),
    ),
  } as unknown as GrantHandler & { handle: jest.Mock };
}

describe('TokensService', () => {
  const code = handlerOf('authorization_code');
  const refresh = handlerOf('refresh_token');
  const credentials = handlerOf('client_credentials');
  let sut: TokensService;
  let metrics: ProviderMetrics;
  const client = aClient({ grantTypes: ['authorization_code', 'refresh_token'] });

  beforeEach(() => {
    jest.clearAllMocks();
    metrics = inMemoryMetrics();
    sut = new TokensService([code, refresh, credentials], metrics);
  });

  describe('at start-up', () => {
    it('refuses to start unless every grant type a client may be registered for has its handler', () => {
      expect(() => new TokensService([code, refresh], metrics)).toThrow('no grant handler for client_credentials');
    });

    it('publishes the grant types of its handlers (RFC 8414 §2 grant_types_supported)', () => {
      expect(sut.grantTypes).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
    });
  });

  it('hands the grant’s declared parameters, the client and the caller’s address to the grant’s handler', async () => {
    await expect(sut.exchange({ grant_type: 'authorization_code', code: 'c' }, client, '10.0.0.1')).resolves.toEqual({
      params: { code: 'c' },
      client: 'partner',
      ip: '10.0.0.1',
    });
    expect(refresh.handle).not.toHaveBeenCalled();
  });

  it('counts each token response by grant type and client, and no refusal', async () => {
    await sut.exchange({ grant_type: 'authorization_code', code: 'c' }, client, '10.0.0.1');
    await expect(sut.exchange({ grant_type: 'client_credentials' }, client, '10.0.0.1')).rejects.toThrow();
    const { values } = await metrics.registry.getSingleMetric('provider_tokens_issued_total')!.get();
    expect(values).toEqual([{ labels: { grant_type: 'authorization_code', client_id: 'partner' }, value: 1 }]);
  });

  it('drops parameters the grant does not declare', async () => {
    await sut.exchange({ grant_type: 'authorization_code', code: 'c', extra: 'x' }, client, '10.0.0.1');
    expect(code.handle.mock.calls[0][0]).not.toHaveProperty('extra');
  });

  it('refuses a request without grant_type with invalid_request (RFC 6749 §5.2)', async () => {
    await expect(sut.exchange({ code: 'c' }, client, '1')).rejects.toThrow(InvalidRequestError);
  });

  it('refuses a grant_type given twice with invalid_request (RFC 6749 §3.2)', async () => {
    await expect(sut.exchange({ grant_type: ['authorization_code', 'x'], code: 'c' }, client, '1')).rejects.toThrow(
      InvalidRequestError,
    );
  });

  it('refuses any parameter given twice, even one the grant does not declare, with invalid_request (RFC 6749 §3.2)', async () => {
    await expect(sut.exchange({ grant_type: 'authorization_code', code: ['c', 'd'] }, client, '1')).rejects.toThrow(
      InvalidRequestError,
    );
    expect(code.handle).not.toHaveBeenCalled();
  });

  it('takes a repeated resource as RFC 8707 §2 allows, and two different ones as invalid_target', async () => {
    await expect(
      sut.exchange(
        { grant_type: 'authorization_code', code: 'c', resource: ['https://a.example', 'https://b.example'] },
        client,
        '1',
      ),
    ).rejects.toThrow(InvalidTargetError);
    expect(code.handle).not.toHaveBeenCalled();
  });

  it('refuses a grant type it has no handler for with unsupported_grant_type (RFC 6749 §5.2)', async () => {
    await expect(sut.exchange({ grant_type: 'password', code: 'c' }, client, '1')).rejects.toThrow(
      UnsupportedGrantTypeError,
    );
  });

  it('refuses a grant type the client is not registered for with unauthorized_client (RFC 6749 §5.2)', async () => {
    await expect(sut.exchange({ grant_type: 'client_credentials', code: 'c' }, client, '1')).rejects.toThrow(
      UnauthorizedClientError,
    );
    expect(credentials.handle).not.toHaveBeenCalled();
  });

  it('refuses parameters the grant’s declaration rejects with invalid_request (RFC 6749 §5.2)', async () => {
    await expect(sut.exchange({ grant_type: 'authorization_code' }, client, '1')).rejects.toThrow(InvalidRequestError);
    expect(code.handle).not.toHaveBeenCalled();
  });
});
