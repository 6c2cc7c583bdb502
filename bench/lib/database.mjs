// The bench's own look at a provider's database, beside the provider: its size on disk, the plans
// of the queries the scenarios issue, and a connection of its own for counting.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';

/**
 * The database's size on disk, in bytes: SQLite's file and its write-ahead log (`free`: pages of the
 * file on its free list, reused by later writes, given back only by VACUUM); MySQL's data and
 * indexes of the schema's tables as InnoDB counts them after ANALYZE (`free`: data_free).
 */
export async function databaseSize(databaseUrl, tables) {
  if (!databaseUrl.startsWith('mysql://')) {
    const file = databaseUrl.slice('sqlite:'.length);
    const size = (path) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    const db = new Database(file, { readonly: true, timeout: 5000 });
    try {
      const free = db.pragma('freelist_count', { simple: true }) * db.pragma('page_size', { simple: true });
      return { bytes: size(file) + size(`${file}-wal`), wal: size(`${file}-wal`), free };
    } finally {
      db.close();
    }
  }
  let out;
  await withDatabase(databaseUrl, async (query) => {
    for (const table of tables) await query(`ANALYZE TABLE ${table}`);
    const [row] = await query(
      'SELECT SUM(data_length + index_length) AS bytes, SUM(data_free) AS free FROM information_schema.TABLES WHERE table_schema = DATABASE()',
    );
    out = { bytes: Number(row.bytes), free: Number(row.free) };
  });
  return out;
}

/** Runs `work(query)` on a connection of its own to the database, closed after. */
export async function withDatabase(databaseUrl, work) {
  if (databaseUrl.startsWith('mysql://')) {
    const connection = await mysql.createConnection({ uri: databaseUrl });
    try {
      return await work(async (sql, params = []) => (await connection.query(sql, params))[0]);
    } finally {
      await connection.end();
    }
  }
  const db = new Database(databaseUrl.slice('sqlite:'.length), { timeout: 10000 });
  try {
    return await work(async (sql, params = []) => db.prepare(sql).all(...params));
  } finally {
    db.close();
  }
}


/**
 * How the database finds the rows of each query of `queries` ({ name, sql, params }): its plan
 * (SQLite's EXPLAIN QUERY PLAN, MySQL's EXPLAIN), and whether any step reads a whole table
 * (SQLite: SCAN of a table without an index; MySQL: access type ALL).
 */
export async function queryPlans(databaseUrl, queries) {
  const mysqlDatabase = databaseUrl.startsWith('mysql://');
  return withDatabase(databaseUrl, async (query) => {
    const out = [];
    for (const { name, sql, params = [] } of queries) {
      const steps = await query(`${mysqlDatabase ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${sql}`, params);
      const plan = mysqlDatabase
        ? steps.map((s) => `${s.table}: ${s.type}${s.key ? ` via ${s.key}` : ''}`)
        : steps.map((s) => s.detail);
      const fullScan = mysqlDatabase
        ? steps.some((s) => s.type === 'ALL')
        : plan.some((detail) => /^SCAN (?!CONSTANT ROW)/.test(detail) && !/USING (COVERING )?INDEX/.test(detail));
      out.push({ name, plan: plan.join('; '), indexed: !fullScan });
    }
    return out;
  });
}
