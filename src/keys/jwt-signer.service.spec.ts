import { decodeProtectedHeader, jwtVerify } from 'jose';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { SigningAlgorithm } from './entities/signing-key.entity';
import { JwtSigner } from './jwt-signer.service';
import { KeysService } from './keys.service';

describe('JwtSigner', () => {
  const pairs = {
    ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  };
  const keys = {
    activeKey: (alg: SigningAlgorithm) => ({ alg, kid: `kid-${alg}`, privateKey: pairs[alg].privateKey }),
  } as unknown as KeysService;
  const sut = new JwtSigner(keys);
  const claims = { iss: 'https://id.example', sub: 'u1', aud: 'c1', iat: 1_800_000_000, exp: 1_800_003_600 };

  it.each(['ES256', 'RS256'] as const)('makes a compact %s JWT that another library verifies', async (alg) => {
    const token = await sut.sign(alg, claims, 'at+jwt');
    const publicKey: KeyObject = pairs[alg].publicKey;
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
      algorithms: [alg],
      currentDate: new Date(1_800_000_100_000),
    });
    expect(protectedHeader).toEqual({ alg, typ: 'at+jwt', kid: `kid-${alg}` });
    expect(payload).toEqual(claims);
  });

  it('types a JWT as JWT unless told otherwise', async () => {
    expect(decodeProtectedHeader(await sut.sign('RS256', claims))).toMatchObject({ typ: 'JWT', kid: 'kid-RS256' });
  });

  it('gives a signature that fails once the payload is changed', async () => {
    const [header, , signature] = (await sut.sign('ES256', claims)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    await expect(jwtVerify(`${header}.${forged}.${signature}`, pairs.ES256.publicKey)).rejects.toThrow(
      /signature verification failed/,
    );
  });
});
