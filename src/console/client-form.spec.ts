import { clientFormValues, clientMetadataFrom } from './client-form';

describe('client form', () => {
  it('reads one URI per line, blank lines and surrounding spaces left out', () => {
    const sut = clientMetadataFrom({ redirect_uris: ' https://a.example/cb \r\n\r\nhttps://b.example/cb\n' });
    expect(sut.redirect_uris).toEqual(['https://a.example/cb', 'https://b.example/cb']);
  });

  it('reads no ticked grant type as none, one as a list of one, several as they come', () => {
    expect(clientMetadataFrom({}).grant_types).toEqual([]);
    expect(clientMetadataFrom({ grant_types: 'client_credentials' }).grant_types).toEqual(['client_credentials']);
    expect(clientMetadataFrom({ grant_types: ['a', 'b'] }).grant_types).toEqual(['a', 'b']);
  });

  it('leaves a field sent twice as it is, for the validation to refuse', () => {
    expect(clientMetadataFrom({ redirect_uris: ['x', 'y'], name: ['a', 'b'] })).toMatchObject({
      redirect_uris: ['x', 'y'],
      name: ['a', 'b'],
    });
  });

  it('reads an emptied default resource as none, and shows none as an empty field', () => {
    expect(clientMetadataFrom({ default_resource: '' }).default_resource).toBeNull();
    expect(clientMetadataFrom({ default_resource: 'https://api.example' }).default_resource).toBe(
      'https://api.example',
    );
    expect(clientFormValues({ default_resource: null }).default_resource).toBe('');
  });

  it('shows a client with its grant types ticked and its authentication selected', () => {
    const sut = clientFormValues({
      name: 'App',
      redirect_uris: ['https://a.example/cb', 'https://b.example/cb'],
      grant_types: ['refresh_token'],
      token_endpoint_auth_method: 'none',
    });
    expect(sut.redirect_uris).toBe('https://a.example/cb\nhttps://b.example/cb');
    expect(sut.grantTypes.filter((g) => g.checked).map((g) => g.value)).toEqual(['refresh_token']);
    expect(sut.authMethods.filter((m) => m.selected).map((m) => m.value)).toEqual(['none']);
  });

  it('reads the ID token algorithm chosen, and shows RS256 chosen when the client names none', () => {
    expect(clientMetadataFrom({ id_token_signed_response_alg: 'ES256' }).id_token_signed_response_alg).toBe('ES256');
    const chosen = (metadata: Record<string, unknown>) =>
      clientFormValues(metadata)
        .idTokenAlgs.filter((a) => a.selected)
        .map((a) => a.value);
    expect(chosen({ id_token_signed_response_alg: 'ES256' })).toEqual(['ES256']);
    expect(chosen({})).toEqual(['RS256']);
  });
});
