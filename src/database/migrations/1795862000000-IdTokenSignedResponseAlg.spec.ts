import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../data-source-options';
import { privateDatabase } from '../../../test/helpers/database-state';
import { MIGRATIONS } from '.';

const THIS_ONE = MIGRATIONS.findIndex((migration) => migration.name === 'IdTokenSignedResponseAlg1795862000000');

/**
 * A database of its own, as the tests run (DATABASE_URL: SQLite unless MySQL is named), at the
 * schema of every migration before this one; `drop()` removes it.
 */
async function databaseBefore(): Promise<{ url: string; drop: () => Promise<void> }> {
  const database = await privateDatabase('id_token_alg');
  const dir = mkdtempSync(join(tmpdir(), 'id-token-alg-'));
  const url = database.env.DATABASE_URL ?? `sqlite:${join(dir, 'provider.sqlite')}`;
  const drop = async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  const before = new DataSource({ ...dataSourceOptions(url), migrations: MIGRATIONS.slice(0, THIS_ONE) });
  await before.initialize();
  try {
    await before.runMigrations({ transaction: 'each' });
    // A client as registered before, with a grant that depends on it.
    await before.query("INSERT INTO users (id, username, password_hash) VALUES ('u1', 'existing-user', 'x')");
    await before.query(
      `INSERT INTO clients (client_id, name, redirect_uris, grant_types, scope, token_endpoint_auth_method)
       VALUES ('existing', 'Existing', '["https://rp.example/cb"]', '["authorization_code"]', 'openid', 'client_secret_basic')`,
    );
    await before.query(
      "INSERT INTO grants (id, client_id, user_id, scope, auth_time) VALUES ('g1', 'existing', 'u1', 'openid', '2026-01-01 00:00:00')",
    );
  } finally {
    await before.destroy();
  }
  return { url, drop };
}

describe('migration IdTokenSignedResponseAlg1795862000000', () => {
  it('gives every existing client RS256, keeps what depends on it, and is undone without a trace', async () => {
    expect(THIS_ONE).toBeGreaterThan(0);
    const { url, drop } = await databaseBefore();
    try {
      const migrated = new DataSource({ ...dataSourceOptions(url), migrations: MIGRATIONS.slice(0, THIS_ONE + 1) });
      await migrated.initialize();
      try {
        await migrated.runMigrations({ transaction: 'each' });
        expect(
          await migrated.query("SELECT id_token_signed_response_alg AS alg FROM clients WHERE client_id = 'existing'"),
        ).toEqual([{ alg: 'RS256' }]);
        expect(await migrated.query("SELECT id FROM grants WHERE client_id = 'existing'")).toEqual([{ id: 'g1' }]);

        await migrated.undoLastMigration({ transaction: 'each' });
        const [client] = (await migrated.query("SELECT * FROM clients WHERE client_id = 'existing'")) as object[];
        expect(client).toMatchObject({ client_id: 'existing', name: 'Existing' });
        expect(client).not.toHaveProperty('id_token_signed_response_alg');
        expect(await migrated.query("SELECT id FROM grants WHERE client_id = 'existing'")).toEqual([{ id: 'g1' }]);
      } finally {
        await migrated.destroy();
      }
    } finally {
      await drop();
    }
  });
});
