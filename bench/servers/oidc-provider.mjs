// node-oidc-provider (panva), configured as close to our provider as it goes, for side-by-side
// measurements. Started by bench/run.mjs as a child process with an IPC channel:
//   env PORT, BENCH_SECRET (the clients' secret), BENCH_ACCESS_TOKEN_TTL, BENCH_REFRESH_TOKEN_TTL,
//   BENCH_AUTH_CODE_TTL; answers {type:'mint-refresh-tokens', count} with {type:'refresh-tokens', tokens}
//   and {type:'mint-codes', count} with {type:'codes', codes: [{code, verifier}]}.
// With BENCH_REDIS_URL and BENCH_REDIS_PREFIX its state lives in Redis, under that key prefix, as in
// its production setup (./oidc-provider-redis-adapter.mjs); without, in its default in-memory
// adapter, as in its quick start.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import Provider from 'oidc-provider';
import { redisAdapter } from './oidc-provider-redis-adapter.mjs';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const secret = process.env.BENCH_SECRET;
const accessTtl = Number(process.env.BENCH_ACCESS_TOKEN_TTL ?? 3600);
const refreshTtl = Number(process.env.BENCH_REFRESH_TOKEN_TTL ?? 2592000);
const codeTtl = Number(process.env.BENCH_AUTH_CODE_TTL ?? 600);
const redis = process.env.BENCH_REDIS_URL
  ? new Redis(process.env.BENCH_REDIS_URL, { keyPrefix: process.env.BENCH_REDIS_PREFIX })
  : null;
const REDIRECT_URI = 'http://127.0.0.1:9/cb';
/** The resource server whose access tokens are ES256 JWTs, as ours are (RFC 9068 via RFC 8707). */
export const RESOURCE = 'urn:bench:api';

const key = (alg, pair) => ({ ...pair.privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: alg.toLowerCase() });

const provider = new Provider(issuer, {
  ...(redis && { adapter: redisAdapter(redis) }),
  clients: [
    // client_secret_basic is the default token_endpoint_auth_method, as it is ours.
    { client_id: 'cc', client_secret: secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api' },
    {
      client_id: 'web',
      client_secret: secret,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      scope: 'openid profile api',
    },
  ],
  jwks: {
    keys: [
      key('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })),
      key('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 })),
    ],
  },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'offline_access', 'profile', 'api'],
  findAccount: (ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  // Ours rotates every refresh token on every use.
  rotateRefreshToken: true,
  // Ours gives a refresh token with every code to a client that may refresh (not only for offline_access).
  issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: accessTtl,
    ClientCredentials: accessTtl,
    AuthorizationCode: codeTtl,
    RefreshToken: refreshTtl,
    IdToken: accessTtl,
    Grant: refreshTtl,
    Session: 12 * 3600,
    Interaction: 3600,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Without a `resource` parameter a token is opaque (what scenario 4 introspects);
      // with one, or from a grant that holds one, an ES256 JWT.
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'api', accessTokenFormat: 'jwt', accessTokenTTL: accessTtl, jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});
provider.proxy = false;

/**
 * Refresh tokens as its authorization code grant stores them (a Grant with the resource's scope,
 * then the token), so that the refresh scenario measures the rotation alone.
 */
async function mintRefreshTokens(count) {
  const client = await provider.Client.find('web');
  const tokens = [];
  for (let i = 0; i < count; i += 1) {
    const accountId = `user-${i}`;
    const grant = new provider.Grant({ accountId, clientId: 'web' });
    grant.addResourceScope(RESOURCE, 'api');
    const grantId = await grant.save();
    const token = new provider.RefreshToken({
      accountId,
      client,
      grantId,
      scope: 'api',
      resource: RESOURCE,
      gty: 'authorization_code',
      authTime: Math.floor(Date.now() / 1000),
    });
    tokens.push(await token.save());
  }
  return tokens;
}

/**
 * Authorization codes as its authorization endpoint stores them after consent (a Grant with the
 * OpenID and the resource's scopes, then the code with its PKCE challenge), for the code exchange:
 * scope openid, so that each exchange signs an RS256 ID token (its default, as ours) beside the
 * ES256 JWT access token and the refresh token.
 */
async function mintCodes(count) {
  const client = await provider.Client.find('web');
  const one = async (i) => {
    const accountId = `user-${i}`;
    const grant = new provider.Grant({ accountId, clientId: 'web' });
    grant.addOIDCScope('openid profile');
    grant.addResourceScope(RESOURCE, 'api');
    const grantId = await grant.save();
    const verifier = randomBytes(32).toString('base64url');
    const code = new provider.AuthorizationCode({
      accountId,
      client,
      grantId,
      scope: 'openid profile api',
      resource: RESOURCE,
      redirectUri: REDIRECT_URI,
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      codeChallengeMethod: 'S256',
      authTime: Math.floor(Date.now() / 1000),
    });
    return { code: await code.save(), verifier };
  };
  const codes = [];
  // Fifty at a time: Redis round trips overlap, and memory stays bounded.
  for (let i = 0; i < count; i += 50) {
    codes.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => one(i + j)))));
  }
  return codes;
}

const minters = {
  'mint-refresh-tokens': async (count) => ({ type: 'refresh-tokens', tokens: await mintRefreshTokens(count) }),
  'mint-codes': async (count) => ({ type: 'codes', codes: await mintCodes(count) }),
};
process.on('message', (message) => {
  const mint = minters[message?.type];
  if (!mint) return;
  mint(Math.min(Number(message.count) || 0, 10000)).then(
    (reply) => process.send(reply),
    (error) => process.send({ type: 'error', message: error.message }),
  );
});
process.on('disconnect', () => {
  redis?.disconnect();
  process.exit(0);
});

provider.listen(port, '127.0.0.1', () => process.send?.({ type: 'ready', issuer }));
