import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';

/** What a refused request must leave as it was: clients and everything that grants access. */
export const WATCHED_TABLES = [
  'clients',
  'authorization_codes',
  'grants',
  'refresh_tokens',
  'revoked_access_tokens',
] as const;

/**
 * Every row of the watched tables, serialised, table by table; with `clientIds`, only the
 * rows of those clients (revoked_access_tokens, which names no client, then counts only).
 * Comparing two snapshots catches an insert, a delete and an update alike.
 */
export async function databaseState(
  app: NestFastifyApplication,
  clientIds?: string[],
): Promise<Record<string, string>> {
  const db = app.get(DataSource);
  const state: Record<string, string> = {};
  for (const table of WATCHED_TABLES) {
    if (!clientIds) {
      state[table] = JSON.stringify(await db.query(`SELECT * FROM ${table} ORDER BY 1`));
    } else if (table === 'revoked_access_tokens') {
      state[table] = JSON.stringify(await db.query(`SELECT COUNT(*) AS n FROM ${table}`));
    } else {
      const placeholders = clientIds.map(() => '?').join(', ');
      state[table] = JSON.stringify(
        await db.query(`SELECT * FROM ${table} WHERE client_id IN (${placeholders}) ORDER BY 1`, clientIds),
      );
    }
  }
  return state;
}

/**
 * A database of its own for one test file. SQLite apps each have a private in-memory database
 * already; on MySQL/MariaDB every test file shares DATABASE_URL, so a file that compares whole
 * tables gets a fresh database next to it (the app migrates it on start), dropped by `drop()`.
 */
export async function privateDatabase(
  suffix: string,
): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const shared = process.env.DATABASE_URL ?? '';
  if (!shared.startsWith('mysql://')) return { env: {}, drop: async () => undefined };
  const url = new URL(shared);
  const name = `${url.pathname.slice(1)}_${suffix}`;
  const admin = async (sql: string) => {
    const connection = await createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``) };
}
