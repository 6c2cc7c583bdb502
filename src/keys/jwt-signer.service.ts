import { Injectable } from '@nestjs/common';
import { sign } from 'node:crypto';
import { promisify } from 'node:util';
import { SigningAlgorithm } from './entities/signing-key.entity';
import { KeysService } from './keys.service';

const signAsync = promisify(sign);

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs JWTs (RFC 7519 in the JWS Compact Serialization, RFC 7515 §7.1) with the active key of
 * an algorithm. The signature is computed on libuv's thread pool, off the event loop: an ECDSA
 * signature takes as long as the rest of a token request, and an RSA one far longer, so signing
 * on the event loop would hold up every other request meanwhile. Verification stays with
 * @nestjs/jwt, which checks algorithm, expiry, issuer and audience.
 */
@Injectable()
export class JwtSigner {
  constructor(private readonly keys: KeysService) {}

  async sign(alg: SigningAlgorithm, claims: object, typ = 'JWT'): Promise<string> {
    const key = this.keys.activeKey(alg);
    const input = `${encode({ alg, typ, kid: key.kid })}.${encode(claims)}`;
    // RFC 7518 §3.4: an ECDSA signature is R || S, not the DER structure OpenSSL makes by default.
    const signature = await signAsync(
      'sha256',
      Buffer.from(input),
      alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey,
    );
    return `${input}.${signature.toString('base64url')}`;
  }
}
