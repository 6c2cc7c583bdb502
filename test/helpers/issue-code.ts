import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthCodesService } from '../../src/auth-codes/auth-codes.service';
import { ClientsService } from '../../src/clients/clients.service';
import { pkcePair } from './oauth-client';

export const REDIRECT = 'https://partner.example/callback';

/**
 * An authorization code as consent would make it, straight from the service: for tests
 * about what happens to codes afterwards, where walking login and consent adds nothing
 * (and where several apps in one process would share passport's one login strategy).
 * `resource` is the API the code is for (RFC 8707), as the authorization request validated it.
 */
export async function issueCode(
  app: NestFastifyApplication,
  clientId: string,
  userId: string,
  scope = 'openid profile',
  { resource }: { resource?: string } = {},
): Promise<{ code: string; verifier: string }> {
  const client = await app.get(ClientsService).findById(clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  const { verifier, challenge } = pkcePair();
  const code = await app.get(AuthCodesService).issue(
    {
      client,
      redirectUri: REDIRECT,
      redirectUriSent: true,
      scope: scope.split(' '),
      resource,
      codeChallenge: challenge,
      prompt: new Set(),
    },
    { id: userId, authTime: Math.floor(Date.now() / 1000) },
    '127.0.0.1',
  );
  return { code, verifier };
}
