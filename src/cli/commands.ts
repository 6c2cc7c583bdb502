import { INestApplicationContext } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parseArgs } from 'node:util';
import { UserAccountsService } from '../accounts/user-accounts.service';
import { parseApiScopeLine } from '../apis/api-scope-line';
import { ApisService } from '../apis/apis.service';
import { ApiMetadataDto } from '../apis/dto/api-metadata.dto';
import { ApiScope } from '../apis/entities/api.entity';
import { ClientsService } from '../clients/clients.service';
import { ClientMetadataDto } from '../clients/dto/client-metadata.dto';
import { describe } from '../common/http/strict-validation.pipe';
import { DEFAULT_GRANT_TYPES } from '../common/oauth/grant-types';
import { OAuthError } from '../common/oauth/oauth.error';
import { KeysService } from '../keys/keys.service';
import { InitialAccessTokensService } from '../registration/initial-access-tokens.service';
import { ConfigService } from '@nestjs/config';
import { ProviderEnvironment } from '../config/environment';
import { UserEntity } from '../users/entities/user.entity';
import { UserView } from '../users/user.view';
import { UsersService } from '../users/users.service';
import { readPassword } from './read-password';

/** Who acts, for the audit trail. */
const CLI = { actor: 'cli' };

/** A failure the CLI reports as one line on stderr. */
export class CliError extends Error {}

export interface CliResult {
  json: Record<string, unknown>;
  text: string;
}

type Command = {
  usage: string;
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  run(
    app: INestApplicationContext,
    values: Record<string, string | boolean | string[] | undefined>,
  ): Promise<CliResult>;
};

export const COMMANDS: Record<string, Command> = {
  'user:create': {
    usage:
      'user:create --username NAME [--email E] [--name "Full Name"] [--admin] [--json], the password on standard input (prompted for on a terminal); --password PASS also works but shows it in the process list and shell history',
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean' },
    },
    async run(app, values) {
      const username = requiredUsername(values);
      const given = values.password as string | undefined;
      if (given === '') throw new CliError('the password is empty');
      const password = given ?? (await readPassword('Password: ', (message) => new CliError(message)));
      const user = await app.get(UserAccountsService).create(
        {
          username,
          password,
          email: values.email as string | undefined,
          name: values.name as string | undefined,
          isAdmin: values.admin === true,
        },
        CLI,
      );
      return { json: { id: user.id, username: user.username }, text: `Created user ${user.username} (${user.id})` };
    },
  },
  'user:password': {
    usage: 'user:password --username NAME [--json], the new password on standard input (prompted for on a terminal)',
    options: { username: { type: 'string' } },
    async run(app, values) {
      const user = await existingUser(app, values);
      const password = await readPassword('New password: ', (message) => new CliError(message));
      await app.get(UserAccountsService).changePassword(user.id, password, CLI);
      return {
        json: { id: user.id, username: user.username },
        text: `Changed the password of ${user.username}; every access the user had given has ended`,
      };
    },
  },
  'user:disable': {
    usage: 'user:disable --username NAME [--json]',
    options: { username: { type: 'string' } },
    async run(app, values) {
      const user = await existingUser(app, values);
      await app.get(UserAccountsService).disable(user.id, CLI);
      return {
        json: { id: user.id, username: user.username },
        text: `Disabled ${user.username}; the user can no longer sign in, and every access the user had given has ended`,
      };
    },
  },
  'user:enable': {
    usage: 'user:enable --username NAME [--json]',
    options: { username: { type: 'string' } },
    async run(app, values) {
      const user = await existingUser(app, values);
      await app.get(UserAccountsService).change(user.id, { disabled: false }, CLI);
      return {
        json: { id: user.id, username: user.username },
        text: `Enabled ${user.username}; the user can sign in again`,
      };
    },
  },
  'user:admin': {
    usage: 'user:admin --username NAME [--revoke] [--json]',
    // --revoke takes the role away; refused for the last enabled administrator.
    options: { username: { type: 'string' }, revoke: { type: 'boolean' } },
    async run(app, values) {
      const user = await existingUser(app, values);
      const admin = values.revoke !== true;
      await app.get(UserAccountsService).change(user.id, { admin }, CLI);
      return {
        json: { id: user.id, username: user.username, admin },
        text: admin
          ? `${user.username} is an administrator`
          : `${user.username} is no longer an administrator; every access the user had given has ended`,
      };
    },
  },
  'user:delete': {
    usage: 'user:delete --username NAME [--json]',
    options: { username: { type: 'string' } },
    async run(app, values) {
      const user = await existingUser(app, values);
      await app.get(UserAccountsService).delete(user.id, CLI);
      return {
        json: { id: user.id, username: user.username },
        text: `Deleted ${user.username}, and every access the user had given`,
      };
    },
  },
  'user:sessions': {
    usage: 'user:sessions --username NAME [--json]',
    options: { username: { type: 'string' } },
    async run(app, values) {
      const user = await existingUser(app, values);
      const sessions = await app.get(UserAccountsService).sessionsOf(user.id);
      const text = sessions.map((s) => [s.device, s.ip ?? '', s.created_at ?? '', s.id].join('  ')).join('\n');
      return { json: { items: sessions }, text: text || `${user.username} is not signed in anywhere` };
    },
  },
  'user:signout': {
    usage: 'user:signout --username NAME [--json]',
    options: { username: { type: 'string' } },
    async run(app, values) {
      const user = await existingUser(app, values);
      await app.get(UserAccountsService).endAllSessions(user.id, CLI);
      return {
        json: { id: user.id, username: user.username },
        text: `Signed ${user.username} out everywhere; the apps the user allowed keep their access`,
      };
    },
  },
  'user:list': {
    usage: 'user:list [--query TEXT] [--json]',
    // --query: a substring of the username, name or email.
    options: { query: { type: 'string' } },
    async run(app, values) {
      const accounts = app.get(UserAccountsService);
      const query = values.query as string | undefined;
      const users: UserView[] = [];
      let page: { items: UserView[]; total: number };
      do {
        page = await accounts.list(100, users.length, query);
        users.push(...page.items);
      } while (page.items.length > 0 && users.length < page.total);
      const text = users
        .map((u) => [u.username, u.id, u.admin ? 'admin' : '', u.disabled ? 'disabled' : ''].filter(Boolean).join('  '))
        .join('\n');
      return { json: { items: users, total: users.length }, text: text || 'No users' };
    },
  },
  'client:create': {
    usage:
      'client:create --name NAME [--redirect-uri URI]... [--post-logout-redirect-uri URI]... [--grant TYPE]... [--scope "a b c"] [--default-resource URI] [--id-token-alg RS256|ES256] [--public] [--resource-server] [--no-pkce] [--json]',
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      grant: { type: 'string', multiple: true },
      scope: { type: 'string' },
      // The API (its identifier) of requests that name no resource (RFC 8707).
      'default-resource': { type: 'string' },
      // The algorithm of the client's ID tokens (id_token_signed_response_alg); RS256 when not given.
      'id-token-alg': { type: 'string' },
      public: { type: 'boolean' },
      // May introspect every client's access tokens (RFC 7662 §2.2).
      'resource-server': { type: 'boolean' },
      // Discouraged: only for a confidential legacy client that cannot send a PKCE challenge.
      'no-pkce': { type: 'boolean' },
    },
    async run(app, values) {
      const metadata = plainToInstance(ClientMetadataDto, {
        name: values.name,
        redirect_uris: values['redirect-uri'] ?? [],
        post_logout_redirect_uris: values['post-logout-redirect-uri'] ?? [],
        grant_types: values.grant ?? DEFAULT_GRANT_TYPES,
        scope: values.scope ?? '',
        token_endpoint_auth_method: values.public ? 'none' : 'client_secret_basic',
        id_token_signed_response_alg: values['id-token-alg'],
        require_pkce: values['no-pkce'] !== true,
        resource_server: values['resource-server'] === true,
        default_resource: values['default-resource'],
      });
      const errors = validateSync(metadata);
      if (errors.length > 0) throw new CliError(Object.values(errors[0].constraints ?? {})[0] ?? 'invalid client');
      const client = await app.get(ClientsService).create(metadata, CLI);
      const json = {
        client_id: client.client_id,
        ...(client.client_secret && { client_secret: client.client_secret }),
      };
      const text = [`Created client ${client.client_name}`, `client_id: ${client.client_id}`]
        .concat(client.client_secret ? [`client_secret: ${client.client_secret} (shown only now)`] : [])
        .join('\n');
      return { json, text };
    },
  },
  'api:create': {
    usage:
      'api:create --identifier URI --name NAME [--scope "name:description"]... [--access-token-ttl SECONDS] [--json]; a scope\'s name ends at the last ":" before the first space, so "api:read:Read your data" names api:read',
    options: {
      identifier: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      'access-token-ttl': { type: 'string' },
    },
    async run(app, values) {
      const ttl = values['access-token-ttl'] as string | undefined;
      const metadata = plainToInstance(ApiMetadataDto, {
        identifier: values.identifier,
        name: values.name,
        scopes: ((values.scope as string[] | undefined) ?? []).map(apiScope),
        ...(ttl !== undefined && { access_token_ttl: /^\d+$/.test(ttl) ? Number(ttl) : ttl }),
      });
      const errors = validateSync(metadata);
      if (errors.length > 0) throw new CliError(describe(errors));
      const api = await app.get(ApisService).create(metadata, CLI);
      const text = [`Created API ${api.name}`, `id: ${api.id}`, `identifier: ${api.identifier}`]
        .concat(api.scopes.map((scope) => `scope: ${scope.name} (${scope.description})`))
        .join('\n');
      return { json: { ...api }, text };
    },
  },
  'keys:rotate': {
    usage: 'keys:rotate [--now] [--withdraw] [--json]',
    // Staged by default: the new keys are published now and sign from KEY_PUBLISH_AHEAD later.
    // --now: they sign at once. --withdraw (implies --now): for a key that may have leaked; every older
    // key stops verifying and leaves the JWKS at once, and so does every token it signed.
    options: { now: { type: 'boolean' }, withdraw: { type: 'boolean' } },
    async run(app, values) {
      const rotation = await app
        .get(KeysService)
        .rotate(CLI, { now: values.now === true, withdraw: values.withdraw === true });
      const alg = app
        .get<ConfigService<ProviderEnvironment, true>>(ConfigService)
        .get('ACCESS_TOKEN_SIGNING_ALG', { infer: true });
      // `kid` is the new access token key; `keys` lists every new key (ID tokens: RS256, or ES256 where a client asks).
      const keys = rotation.keys.map(({ kid, alg }) => ({ kid, alg }));
      const kid = keys.find((k) => k.alg === alg)!.kid;
      const activatesAt = rotation.activatesAt.toISOString();
      const summary = rotation.withdrawn
        ? 'Rotated the signing keys and withdrew the older ones; tokens signed before are refused from now on.'
        : values.now === true
          ? 'Rotated the signing keys; tokens signed before stay valid until they expire.'
          : `${rotation.made ? 'Staged a rotation' : 'A rotation is already staged'}: the new keys are published and sign from ${activatesAt}.`;
      const text = [
        summary,
        ...keys.map((k) => `${k.alg}: ${k.kid}`),
        ...(rotation.withdrawn ?? []).map((w) => `withdrawn: ${w}`),
      ].join('\n');
      return {
        json: { kid, keys, activates_at: activatesAt, ...(rotation.withdrawn && { withdrawn: rotation.withdrawn }) },
        text,
      };
    },
  },
  'registration-token:create': {
    usage: 'registration-token:create [--expires-in SECONDS] [--description TEXT] [--json]',
    // An initial access token for DYNAMIC_REGISTRATION=token: it registers clients until it expires (default: a day).
    options: { 'expires-in': { type: 'string' }, description: { type: 'string' } },
    async run(app, values) {
      const given = (values['expires-in'] as string | undefined) ?? String(DAY);
      const expiresIn = /^\d+$/.test(given) ? Number(given) : NaN;
      if (!(expiresIn >= 1 && expiresIn <= 365 * DAY)) {
        throw new CliError(`--expires-in must be a whole number of seconds from 1 to ${365 * DAY}`);
      }
      const description = values.description as string | undefined;
      if (description !== undefined && (description.length > 255 || /[\x00-\x1f\x7f]/.test(description))) {
        throw new CliError('--description must be at most 255 characters, without control characters');
      }
      const token = await app.get(InitialAccessTokensService).create(expiresIn, description, CLI);
      const text = [
        `registration_token: ${token.registration_token} (shown only now)`,
        `expires at ${new Date(token.expires_at * 1000).toISOString()}; it registers any number of clients until then`,
      ].join('\n');
      return { json: { ...token }, text };
    },
  },
};

const DAY = 86_400;

function apiScope(option: string): ApiScope {
  const scope = parseApiScopeLine(option);
  if (!scope) throw new CliError(`--scope ${JSON.stringify(option)} must be "name:description"`);
  return scope;
}

function requiredUsername(values: Record<string, unknown>): string {
  const username = values.username as string | undefined;
  if (!username) throw new CliError('--username is required');
  return username;
}

async function existingUser(app: INestApplicationContext, values: Record<string, unknown>): Promise<UserEntity> {
  const username = requiredUsername(values);
  const user = await app.get(UsersService).findByUsername(username);
  if (!user) throw new CliError(`no user is named "${username}"`);
  return user;
}

/** Parses and runs one command; every failure becomes a CliError with a one-line message. */
export async function runCommand(
  createApp: () => Promise<INestApplicationContext>,
  argv: string[],
): Promise<{ result: CliResult; json: boolean }> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    throw new CliError(`usage: npm run -s cli -- <command>; commands: ${Object.keys(COMMANDS).join(', ')}`);
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({ args: rest, options: { ...command.options, json: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    throw new CliError(`${(error as Error).message.split('\n')[0]}; usage: ${command.usage}`);
  }
  const app = await createApp();
  try {
    return { result: await command.run(app, values), json: values.json === true };
  } catch (error) {
    if (error instanceof OAuthError) throw new CliError(error.description);
    throw error;
  } finally {
    await app.close();
  }
}
