import { createLocalJWKSet, decodeProtectedHeader, JSONWebKeySet, jwtVerify, JWTPayload } from 'jose';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Http } from './partner';

/**
 * An ID token as a relying party checks it against the provider's published keys: its header
 * names `alg` and a `kid` the JWKS lists for that algorithm, and the signature verifies with that
 * key under that algorithm alone. Answers the key's kid and the token's claims.
 */
export async function verifiedIdToken(
  http: Http,
  idToken: string,
  alg: 'RS256' | 'ES256',
): Promise<{ kid: string; claims: JWTPayload }> {
  const header = decodeProtectedHeader(idToken);
  expect(header).toMatchObject({ alg, typ: 'JWT', kid: expect.any(String) });
  const agent: TestAgent = typeof http === 'string' ? request(http) : http;
  const jwks = (await agent.get('/oauth/jwks').expect(200)).body as JSONWebKeySet;
  expect(jwks.keys.filter((key) => key.kid === header.kid)).toEqual([expect.objectContaining({ alg, use: 'sig' })]);
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), { algorithms: [alg] });
  return { kid: header.kid!, claims: payload };
}
