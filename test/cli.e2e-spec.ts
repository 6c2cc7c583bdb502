import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import { ClientsService } from '../src/clients/clients.service';
import { DEFAULT_GRANT_TYPES } from '../src/common/oauth/grant-types';
import { UsersService } from '../src/users/users.service';
import { createTestApp, TEST_API, TestApp, uniqueName } from './helpers/create-test-app';
import { privateDatabase } from './helpers/database-state';
import { issueCode, REDIRECT } from './helpers/issue-code';
import { signIn } from './helpers/oauth-client';
import { until } from './helpers/until';
import * as oauth from './helpers/partner';
import { register } from './helpers/registration';

// The built CLI (`npm test` builds first), run as an administrator would, against the
// database of a provider app that is running at the same time in this process.
const CLI = join(__dirname, '..', 'dist', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('administration CLI', () => {
  let workDir: string;
  let databaseUrl: string;
  let t: TestApp;

  beforeAll(async () => {
    // Also the CLI's working directory, so that no .env or ./data of the checkout is used.
    workDir = mkdtempSync(join(tmpdir(), 'provider-cli-'));
    const configured = process.env.DATABASE_URL ?? '';
    databaseUrl = configured.startsWith('mysql://') ? configured : `sqlite:${join(workDir, 'provider.sqlite')}`;
    // The app migrates the database first; the CLI then writes to it while the app runs. It takes
    // registrations with an initial access token, such as registration-token:create makes.
    t = await createTestApp({ DATABASE_URL: databaseUrl, DYNAMIC_REGISTRATION: 'token' });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** Runs the CLI on the database `url` with `stdin` piped to it (standard input is never left open). */
  function cliOn(url: string, stdin: string, ...args: string[]): Promise<Run> {
    const env = { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: url };
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: workDir, env, timeout: 60_000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
        },
      );
      child.stdin!.end(stdin);
    });
  }

  const cliWithInput = (stdin: string, ...args: string[]) => cliOn(databaseUrl, stdin, ...args);
  const cli = (...args: string[]) => cliWithInput('', ...args);

  /** Exactly one JSON object on stdout and nothing on stderr. */
  function jsonOf(run: Run): Record<string, unknown> {
    expect(run).toEqual({ code: 0, stdout: expect.stringMatching(/^\{[^\n]*\}\n$/), stderr: '' });
    return JSON.parse(run.stdout);
  }

  /** A failure as the contract has it: non-zero exit, nothing on stdout, one line on stderr. */
  function expectOneLineFailure(run: Run, message: RegExp): void {
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^[^\n]+\n$/);
    expect(run.stderr).toMatch(message);
  }

  /** A grant the user gave a new partner client, through a real code exchange; `refresh()` uses it. */
  async function grantOf(user: { id: string }) {
    const client = await t.createClient({
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid',
    });
    const code = await issueCode(t.app, client.client_id, user.id, 'openid');
    const tokens = (await oauth.exchange(t.http(), client, code).expect(200)).body as { refresh_token: string };
    return { refresh: () => oauth.refresh(t.http(), client, tokens.refresh_token) };
  }

  describe('user:create', () => {
    it('prints exactly one JSON object with the id and username, and the running app can log the user in', async () => {
      const username = uniqueName('cli-user');
      const body = jsonOf(
        await cli('user:create', '--username', username, '--password', 'a long enough password', '--json'),
      );
      expect(body).toEqual({ id: expect.any(String), username });

      const user = await t.app.get(UsersService).verifyCredentials(username, 'a long enough password');
      expect(user?.id).toBe(body.id);
      expect(user?.isAdmin).toBe(false);
    });

    it('stores --email, --name and --admin', async () => {
      const username = uniqueName('cli-admin');
      const body = jsonOf(
        await cli(
          'user:create',
          '--username',
          username,
          '--password',
          'pw',
          '--email',
          'ada@example.com',
          '--name',
          'Ada Lovelace',
          '--admin',
          '--json',
        ),
      );
      const user = await t.app.get(UsersService).findById(body.id as string);
      expect(user).toMatchObject({ username, email: 'ada@example.com', name: 'Ada Lovelace', isAdmin: true });
    });

    it('refuses a username that is taken, with one line on stderr and nothing on stdout', async () => {
      const username = uniqueName('cli-dup');
      jsonOf(await cli('user:create', '--username', username, '--password', 'pw', '--json'));
      expectOneLineFailure(
        await cli('user:create', '--username', username, '--password', 'other', '--json'),
        /already taken/,
      );
    });

    it('creates users from several processes at once while the app runs, each of them stored', async () => {
      const names = Array.from({ length: 6 }, () => uniqueName('parallel'));
      const runs = await Promise.all(
        names.map((name) => cli('user:create', `--username=${name}`, '--password=pw-123456', '--json')),
      );
      expect(runs.map((run) => jsonOf(run).username)).toEqual(names);
      for (const name of names) expect(await t.app.get(UsersService).findByUsername(name)).not.toBeNull();
    });

    it('reads the password from standard input, one trailing newline dropped, and the running app can log the user in', async () => {
      const username = uniqueName('cli-stdin');
      const body = jsonOf(
        await cliWithInput('a password kept off the command line\n', 'user:create', '--username', username, '--json'),
      );

      const user = await t.app.get(UsersService).verifyCredentials(username, 'a password kept off the command line');
      expect(user?.id).toBe(body.id);
    });

    it('refuses an empty password, on standard input or in --password, with one line', async () => {
      for (const run of [
        await cliWithInput('\n', 'user:create', '--username', uniqueName('cli-nopw'), '--json'),
        await cli('user:create', '--username', uniqueName('cli-nopw'), '--json'),
        await cli('user:create', '--username', uniqueName('cli-nopw'), '--password', '', '--json'),
      ]) {
        expectOneLineFailure(run, /the password is empty/);
      }
    });

    it('refuses an unknown flag with one line naming it', async () => {
      expectOneLineFailure(
        await cli('user:create', '--username', uniqueName('cli-flag'), '--password', 'pw', '--bogus', '--json'),
        /--bogus/,
      );
    });
  });

  describe('user:password and user:disable', () => {
    it('user:password reads the new password from standard input and ends the user’s grants in the running app', async () => {
      const user = await t.createUser();
      const grant = await grantOf(user);

      const body = jsonOf(await cliWithInput('the new one\n', 'user:password', '--username', user.username, '--json'));
      expect(body).toEqual({ id: user.id, username: user.username });

      const users = t.app.get(UsersService);
      expect(await users.verifyCredentials(user.username, user.password)).toBeNull();
      expect((await users.verifyCredentials(user.username, 'the new one'))?.id).toBe(user.id);
      oauth.expectOAuthError(await grant.refresh(), 400, 'invalid_grant');
    });

    it('user:disable stops sign-in and ends the user’s grants in the running app at once', async () => {
      const user = await t.createUser();
      const grant = await grantOf(user);

      const body = jsonOf(await cli('user:disable', '--username', user.username, '--json'));
      expect(body).toEqual({ id: user.id, username: user.username });

      expect(await t.app.get(UsersService).verifyCredentials(user.username, user.password)).toBeNull();
      oauth.expectOAuthError(await grant.refresh(), 400, 'invalid_grant');
    });

    it('refuses a username that names nobody with one line', async () => {
      expectOneLineFailure(await cli('user:disable', '--username', uniqueName('nobody'), '--json'), /no user is named/);
    });
  });

  describe('user:list, user:enable, user:admin and user:delete', () => {
    it('user:list --query lists the matching users, newest first, without their passwords', async () => {
      const marker = uniqueName('cli-list');
      const older = await t.createUser({ username: `${marker}-a` });
      const newer = await t.createUser({ name: `Named ${marker}`, isAdmin: true });

      const body = jsonOf(await cli('user:list', '--query', marker, '--json'));
      expect(body).toEqual({
        items: [
          expect.objectContaining({ id: newer.id, username: newer.username, admin: true, disabled: false }),
          expect.objectContaining({ id: older.id, username: older.username, admin: false, disabled: false }),
        ],
        total: 2,
      });
      expect(JSON.stringify(body)).not.toMatch(/password|scrypt/i);

      const text = await cli('user:list', '--query', marker);
      expect(text).toEqual({
        code: 0,
        stdout: `${newer.username}  ${newer.id}  admin\n${older.username}  ${older.id}\n`,
        stderr: '',
      });
    });

    it('user:enable lets a disabled user sign in again', async () => {
      const user = await t.createUser();
      jsonOf(await cli('user:disable', '--username', user.username, '--json'));

      const body = jsonOf(await cli('user:enable', '--username', user.username, '--json'));
      expect(body).toEqual({ id: user.id, username: user.username });
      expect((await t.app.get(UsersService).verifyCredentials(user.username, user.password))?.id).toBe(user.id);
    });

    it('user:admin gives the role, and --revoke takes it', async () => {
      const [user, other] = [await t.createUser(), await t.createUser({ isAdmin: true })];
      const users = t.app.get(UsersService);

      expect(jsonOf(await cli('user:admin', '--username', user.username, '--json'))).toEqual({
        id: user.id,
        username: user.username,
        admin: true,
      });
      expect((await users.findById(user.id))?.isAdmin).toBe(true);

      const revoked = jsonOf(await cli('user:admin', '--username', other.username, '--revoke', '--json'));
      expect(revoked).toEqual({ id: other.id, username: other.username, admin: false });
      expect((await users.findById(other.id))?.isAdmin).toBe(false);
    });

    it('user:delete deletes the user and ends the user’s grants in the running app', async () => {
      const user = await t.createUser();
      const grant = await grantOf(user);

      const body = jsonOf(await cli('user:delete', '--username', user.username, '--json'));
      expect(body).toEqual({ id: user.id, username: user.username });
      expect(await t.app.get(UsersService).findById(user.id)).toBeNull();
      oauth.expectOAuthError(await grant.refresh(), 400, 'invalid_grant');
    });

    it('user:sessions lists where the user is signed in, and user:signout ends every one of them at once', async () => {
      const user = await t.createUser();
      const browser = t.browser();
      await signIn(browser, user.username, user.password, '/');
      await browser.get('/').expect(200);

      const { items } = jsonOf(await cli('user:sessions', '--username', user.username, '--json')) as {
        items: { id: string; device: string; ip: string }[];
      };
      expect(items).toEqual([
        expect.objectContaining({ id: expect.stringMatching(/^[0-9a-f]{64}$/), ip: expect.any(String) }),
      ]);

      expect(jsonOf(await cli('user:signout', '--username', user.username, '--json'))).toEqual({
        id: user.id,
        username: user.username,
      });
      await browser.get('/').expect(303);
      expect((await cli('user:sessions', '--username', user.username)).stdout).toBe(
        `${user.username} is not signed in anywhere\n`,
      );
    });

    // Ten runs of the CLI, each starting the application: a minute on a loaded machine.
    it('refuses a username that names nobody, or none given, with one line', async () => {
      for (const command of ['user:enable', 'user:admin', 'user:delete', 'user:sessions', 'user:signout']) {
        expectOneLineFailure(await cli(command, '--username', uniqueName('nobody'), '--json'), /no user is named/);
        expectOneLineFailure(await cli(command, '--json'), /--username is required/);
      }
    }, 60_000);
  });

  describe('client:create', () => {
    it('registers a confidential client with every --redirect-uri given, and prints its id and secret', async () => {
      const body = jsonOf(
        await cli(
          'client:create',
          '--name',
          'CLI Partner',
          '--redirect-uri',
          'https://partner.example/cb',
          '--redirect-uri',
          'http://127.0.0.1/cb',
          '--json',
        ),
      );
      expect(body).toEqual({ client_id: expect.any(String), client_secret: expect.any(String) });

      const client = await t.app.get(ClientsService).get(body.client_id as string);
      expect(client).toMatchObject({
        name: 'CLI Partner',
        redirect_uris: ['https://partner.example/cb', 'http://127.0.0.1/cb'],
        grant_types: DEFAULT_GRANT_TYPES,
        token_endpoint_auth_method: 'client_secret_basic',
      });
    });

    it('registers a public client, whose JSON has no client_secret', async () => {
      const body = jsonOf(
        await cli('client:create', '--name', 'CLI App', '--redirect-uri', 'com.example.app:/cb', '--public', '--json'),
      );
      expect(body).toEqual({ client_id: expect.any(String) });
      const client = await t.app.get(ClientsService).get(body.client_id as string);
      expect(client.token_endpoint_auth_method).toBe('none');
    });

    it('requires PKCE and makes no resource server unless told, and --no-pkce and --resource-server say otherwise', async () => {
      const created = (...flags: string[]) =>
        cli('client:create', '--name', 'CLI API', '--redirect-uri', 'https://partner.example/cb', ...flags, '--json');
      const plain = jsonOf(await created());
      expect(await t.app.get(ClientsService).get(plain.client_id as string)).toMatchObject({
        require_pkce: true,
        resource_server: false,
      });
      const flagged = jsonOf(await created('--no-pkce', '--resource-server'));
      expect(await t.app.get(ClientsService).get(flagged.client_id as string)).toMatchObject({
        require_pkce: false,
        resource_server: true,
      });
    });

    it('sets a default resource with --default-resource, and refuses one that is no registered API', async () => {
      const created = (resource: string) =>
        cli(
          'client:create',
          '--name',
          'CLI Robot',
          '--grant',
          'client_credentials',
          '--default-resource',
          resource,
          '--json',
        );
      const body = jsonOf(await created(TEST_API.identifier));
      expect((await t.app.get(ClientsService).get(body.client_id as string)).default_resource).toBe(
        TEST_API.identifier,
      );
      expectOneLineFailure(await created('https://unknown.example/api'), /default_resource/);
    });

    it('signs ID tokens RS256 unless --id-token-alg ES256 is given, and refuses any other algorithm', async () => {
      const created = (...flags: string[]) =>
        cli('client:create', '--name', 'CLI RP', '--redirect-uri', 'https://partner.example/cb', ...flags, '--json');
      const plain = jsonOf(await created());
      expect((await t.app.get(ClientsService).get(plain.client_id as string)).id_token_signed_response_alg).toBe(
        'RS256',
      );
      const es256 = jsonOf(await created('--id-token-alg', 'ES256'));
      expect((await t.app.get(ClientsService).get(es256.client_id as string)).id_token_signed_response_alg).toBe(
        'ES256',
      );
      expectOneLineFailure(
        await created('--id-token-alg', 'none'),
        /id_token_signed_response_alg must be one of: RS256, ES256/,
      );
    });

    it('refuses --no-pkce for a public client with one line saying why', async () => {
      expectOneLineFailure(
        await cli(
          'client:create',
          '--name',
          'CLI App',
          '--redirect-uri',
          'com.example.app:/cb',
          '--public',
          '--no-pkce',
        ),
        /PKCE/,
      );
    });

    it('refuses an http redirect URI on a host other than loopback with one line naming it', async () => {
      expectOneLineFailure(
        await cli('client:create', '--name', 'Evil', '--redirect-uri', 'http://evil.example/cb', '--json'),
        /http:\/\/evil\.example\/cb/,
      );
    });

    it('makes a client_credentials client with scope admin whose token the running app accepts at once', async () => {
      const body = jsonOf(
        await cli(
          'client:create',
          '--name',
          'CLI Robot',
          '--grant',
          'client_credentials',
          '--scope',
          'admin',
          '--json',
        ),
      );
      const robot = { client_id: body.client_id as string, client_secret: body.client_secret as string };

      const token = await oauth
        .token(t.http(), robot, { grant_type: 'client_credentials', scope: 'admin' })
        .expect(200);
      expect(token.body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer', scope: 'admin' });

      const admin = await t
        .http()
        .get(`/admin/clients/${encodeURIComponent(body.client_id as string)}`)
        .set('Authorization', `Bearer ${token.body.access_token}`)
        .expect(200);
      expect(admin.body).toMatchObject({
        client_id: body.client_id,
        grant_types: ['client_credentials'],
        scope: 'admin',
      });
    });
  });

  describe('api:create', () => {
    it('registers an API whose scopes a client may then hold, and the running app publishes them', async () => {
      const identifier = `https://${uniqueName('cli-api')}.example`;
      const scope = `${uniqueName('cli')}:read`;
      const body = jsonOf(
        await cli(
          'api:create',
          '--identifier',
          identifier,
          '--name',
          'Reports',
          '--scope',
          `${scope}:Read your reports: all of them`,
          '--access-token-ttl',
          '300',
          '--json',
        ),
      );
      expect(body).toMatchObject({
        identifier,
        name: 'Reports',
        scopes: [{ name: scope, description: 'Read your reports: all of them' }],
        access_token_ttl: 300,
        token_format: 'jwt',
      });
      const discovery = await t.http().get('/.well-known/openid-configuration').expect(200);
      expect(discovery.body.scopes_supported).toContain(scope);
      jsonOf(
        await cli(
          'client:create',
          '--name',
          'Reporter',
          '--redirect-uri',
          REDIRECT,
          '--scope',
          `openid ${scope}`,
          '--json',
        ),
      );
    });

    it('refuses a bad identifier, a built-in scope and a scope without description with one line', async () => {
      expectOneLineFailure(
        await cli('api:create', '--identifier', 'api.example', '--name', 'X', '--json'),
        /absolute URI/,
      );
      expectOneLineFailure(
        await cli('api:create', '--identifier', 'https://x.example', '--name', 'X', '--scope', 'openid:Sign in'),
        /openid is built in/,
      );
      expectOneLineFailure(
        await cli('api:create', '--identifier', 'https://x.example', '--name', 'X', '--scope', 'nodescription'),
        /name:description/,
      );
    });

    it('refuses client:create with a scope no API defines, naming it', async () => {
      expectOneLineFailure(
        await cli(
          'client:create',
          '--name',
          'Greedy',
          '--redirect-uri',
          REDIRECT,
          '--scope',
          'openid superuser',
          '--json',
        ),
        /scope superuser is defined by no API/,
      );
    });
  });

  describe('registration-token:create', () => {
    it('prints an initial access token once, valid for a day by default, stored as its digest, which the running app accepts', async () => {
      const body = jsonOf(await cli('registration-token:create', '--description', 'Partner X', '--json'));
      expect(body).toEqual({
        registration_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expires_at: expect.any(Number),
      });
      const token = body.registration_token as string;
      const day = Date.now() / 1000 + 86_400;
      expect(Math.abs((body.expires_at as number) - day)).toBeLessThan(600);
      const registered = await register(
        t.http(),
        { client_name: uniqueName('cli-token'), redirect_uris: [oauth.PARTNER_REDIRECT], scope: 'openid' },
        token,
      );
      expect(registered.status).toBe(201);
      const [row] = await t.app
        .get(DataSource)
        .query('SELECT * FROM registration_tokens WHERE token_hash = ?', [
          createHash('sha256').update(token).digest('hex'),
        ]);
      expect(row.description).toBe('Partner X');
      expect(JSON.stringify(row)).not.toContain(token);
      const { items } = await t.app
        .get(AuditService)
        .list({ type: 'registration_token.created', limit: 100, offset: 0 });
      expect(items).toContainEqual(expect.objectContaining({ actor: 'cli' }));
      expect(JSON.stringify(items)).not.toContain(token);
    });

    it('takes --expires-in in seconds, and shows the token without --json', async () => {
      const body = jsonOf(await cli('registration-token:create', '--expires-in', '60', '--json'));
      expect(Math.abs((body.expires_at as number) - (Date.now() / 1000 + 60))).toBeLessThan(600);
      const run = await cli('registration-token:create');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^registration_token: [A-Za-z0-9_-]{43} \(shown only now\)$/m);
    });

    it('refuses an --expires-in that is no whole number of seconds from 1 to a year with one line', async () => {
      for (const value of ['0', 'abc', '1.5', '-5', '31536001']) {
        expectOneLineFailure(
          await cli('registration-token:create', `--expires-in=${value}`, '--json'),
          /--expires-in must be a whole number of seconds from 1 to 31536000/,
        );
      }
    });
  });

  it('writes while the running app is in the middle of reading the same database (SQLite in WAL mode)', async () => {
    // Without WAL, the app's open read would lock the SQLite file against the CLI's write.
    const reader = t.app.get(DataSource).createQueryRunner();
    await reader.startTransaction();
    try {
      await reader.query('SELECT COUNT(*) FROM users');
      const username = uniqueName('cli-wal');
      expect(jsonOf(await cli('user:create', '--username', username, '--password', 'pw', '--json'))).toEqual({
        id: expect.any(String),
        username,
      });
    } finally {
      await reader.commitTransaction();
      await reader.release();
    }
  });

  it('keys:rotate stages new keys, published at once and signing after KEY_PUBLISH_AHEAD; --now switches, and old tokens still verify', async () => {
    // A database of its own: on MySQL, test files running alongside rotate keys in the shared one.
    const database = await privateDatabase('cli_rotate');
    const url = database.env.DATABASE_URL ?? `sqlite:${join(workDir, 'rotate.sqlite')}`;
    const running = await createTestApp({ DATABASE_URL: url });
    try {
      const client = await running.createClient({ redirect_uris: [], grant_types: ['client_credentials'], scope: 'admin' });
      const token = () =>
        oauth
          .token(running.http(), client, { grant_type: 'client_credentials' })
          .expect(200)
          .then((r) => r.body.access_token as string);
      const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid as string;
      const published = async () =>
        (await running.http().get('/oauth/jwks').expect(200)).body.keys.map((k: { kid: string }) => k.kid) as string[];
      const before = await token();

      const staged = jsonOf(await cliOn(url, '', 'keys:rotate', '--json'));
      expect(staged.keys).toEqual(
        expect.arrayContaining([
          { kid: staged.kid, alg: 'ES256' },
          { kid: expect.any(String), alg: 'RS256' },
        ]),
      );
      // KEY_PUBLISH_AHEAD defaults to an hour, and every instance gets one reload (5 s) to read the keys.
      const ahead = Date.parse(staged.activates_at as string) - Date.now();
      expect(ahead).toBeGreaterThan(3_500_000);
      expect(ahead).toBeLessThanOrEqual(3_605_000);
      await until(async () => (await published()).includes(staged.kid as string), 'the staged key is published', 3_000, 100);
      // Staged once: asked again, the same rotation is reported and nothing more is made.
      expect(jsonOf(await cliOn(url, '', 'keys:rotate', '--json'))).toEqual(staged);
      // The running app reads the staged keys within its reload interval, and goes on signing with the current ones.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      expect(kidOf(await token())).toBe(kidOf(before));

      const body = jsonOf(await cliOn(url, '', 'keys:rotate', '--now', '--json'));
      expect([kidOf(before), staged.kid]).not.toContain(body.kid);
      expect(Math.abs(Date.parse(body.activates_at as string) - Date.now())).toBeLessThan(10_000);
      expect(await published()).toEqual(expect.arrayContaining([body.kid, kidOf(before)]));
      // The old token still works at the admin API.
      await running.http().get('/admin/clients').set('Authorization', `Bearer ${before}`).expect(200);
      // The running app takes up the new key within its reload interval.
      await until(async () => kidOf(await token()) === body.kid, 'the running app signs with the new key', 10_000, 500);
    } finally {
      await running.close();
      await database.drop();
    }
    // Four runs of the CLI and a wait for the running app's reload.
  }, 60_000);

  it('keys:rotate --withdraw withdraws every older key: the running app refuses their tokens within its reload interval and publishes them no more', async () => {
    // A database of its own: on MySQL, test files running alongside must not see their keys withdrawn.
    const database = await privateDatabase('cli_withdraw');
    const url = database.env.DATABASE_URL ?? `sqlite:${join(workDir, 'withdraw.sqlite')}`;
    const running = await createTestApp({ DATABASE_URL: url });
    try {
      const client = await running.createClient({
        redirect_uris: [],
        grant_types: ['client_credentials'],
        scope: 'admin',
      });
      const token = () =>
        oauth
          .token(running.http(), client, { grant_type: 'client_credentials' })
          .expect(200)
          .then((r) => r.body.access_token as string);
      const admin = (jwt: string) => running.http().get('/admin/clients').set('Authorization', `Bearer ${jwt}`);
      const published = async () =>
        (await running.http().get('/oauth/jwks').expect(200)).body.keys.map((k: { kid: string }) => k.kid) as string[];
      const before = await token();
      await admin(before).expect(200);
      const publishedBefore = await published();

      const body = jsonOf(await cliOn(url, '', 'keys:rotate', '--withdraw', '--json'));
      expect(body).toEqual({
        kid: expect.any(String),
        activates_at: expect.any(String),
        keys: expect.arrayContaining([{ kid: body.kid, alg: 'ES256' }]),
        withdrawn: expect.arrayContaining(publishedBefore),
      });
      // The running app's published key set is at most a second old.
      await until(
        async () => !(await published()).some((kid) => publishedBefore.includes(kid)),
        'the withdrawn keys are published no more',
        2_000,
        100,
      );
      await until(async () => (await admin(before)).status === 401, 'the withdrawn key verifies no more', 10_000, 250);
      await until(async () => (await admin(await token())).status === 200, 'the running app signs with a new key');
    } finally {
      await running.close();
      await database.drop();
    }
  });

  it('prints a usage line and exits non-zero without a command', async () => {
    expectOneLineFailure(await cli(), /usage: .*user:create.*client:create/);
  });
});
