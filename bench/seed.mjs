// Fills a migrated database of the provider with a history like a long-running deployment's, for
// the data-scale bench (bench/data-scale.mjs): for N grants, N/10 users, N/100 clients, a refresh
// token per grant (most of them expired long enough ago for retention to delete) and N audit
// events. Straight into the real tables, in big transactions (better-sqlite3, or mysql2 with
// multi-row INSERTs), with values in the stored formats: SHA-256 digests in hex for secrets and
// tokens, UUIDs, JSON lists, UTC datetimes. Every seeded user has one and the same scrypt digest
// (hashing each would take hours), the bench user's own.
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { withDatabase } from './lib/database.mjs';

const DAY = 24 * 60 * 60 * 1000;
/** Of the seeded refresh tokens, this share lies beyond REFRESH_TOKEN_TTL after its expiry: retention's backlog. */
export const EXPIRED_SHARE = 0.9;
/** Failed sign-ins are deleted 30 days after (src/retention/retention.service.ts); the seeded trail spans a year. */
const FAILED_SIGN_IN_RETENTION_MS = 30 * DAY;
const TRAIL_SPAN_MS = 365 * DAY;

/** The audit event types of the seeded trail (src/audit/audit-event-types.ts), with their shares. */
const AUDIT_MIX = [
  ['token.issued', 0.4],
  ['token.refreshed', 0.3],
  ['code.issued', 0.08],
  ['login.succeeded', 0.1],
  ['login.failed', 0.05],
  ['consent.given', 0.05],
  ['token.revoked', 0.02],
];

/** How many rows of each table `rows` grants come with. */
export function seedCounts(rows) {
  return {
    users: Math.max(1, Math.round(rows / 10)),
    clients: Math.max(1, Math.round(rows / 100)),
    grants: rows,
    refresh_tokens: rows,
    audit_events: rows,
  };
}

/** UTC datetime as TypeORM stores it, on SQLite and MySQL alike ('YYYY-MM-DD HH:MM:SS.mmm'). */
const datetime = (ms) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/** 64 hex digits, the shape of a SHA-256 digest, from a pool of random bytes drawn in bulk. */
const digests = (() => {
  let pool = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + 32 > pool.length) {
      pool = randomBytes(32 * 8192);
      at = 0;
    }
    at += 32;
    return pool.toString('hex', at - 32, at);
  };
})();

/** A digest of a token made at `ms`, as the provider stores it (src/common/crypto/tokens.ts tokenDigest): its time in hex first. */
const timeOrderedDigest = (ms) => ms.toString(16).padStart(12, '0') + digests().slice(12);

/** A grant's id made at `ms`: an RFC 9562 version 7 UUID (timeOrderedUuid there). */
const timeOrderedUuid = (ms) => {
  const hex = timeOrderedDigest(ms);
  const variant = ((parseInt(hex[16], 16) & 3) | 8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** What a registered client's id looks like (src/clients/clients.service.ts: 16 random bytes, base64url). */
const clientId = () => randomBytes(16).toString('base64url');

export const TABLES = {
  users: ['id', 'username', 'password_hash', 'email', 'name', 'is_admin', 'disabled_at', 'created_at', 'updated_at'],
  clients: [
    'client_id', 'secret_hash', 'name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'scope',
    'token_endpoint_auth_method', 'require_pkce', 'resource_server', 'default_resource', 'credentials_changed_at',
    'registration_access_token_hash', 'created_at', 'updated_at',
  ],
  grants: ['id', 'client_id', 'user_id', 'scope', 'resource', 'auth_time', 'revoked_at', 'created_at'],
  refresh_tokens: [
    'token_hash', 'grant_id', 'client_id', 'user_id', 'scope', 'expires_at', 'parent_hash', 'used_at', 'created_at',
  ],
  audit_events: ['type', 'actor', 'user_id', 'client_id', 'ip', 'detail', 'created_at'],
};

/**
 * Seeds `databaseUrl` (migrated, the provider's tables empty but for the bench's own fixtures) with
 * `rows` grants and the rest in proportion. Every seeded user gets the password digest of user
 * `username`; `refreshTokenTtl`: the provider's REFRESH_TOKEN_TTL, in seconds. Answers the counts
 * and the time taken.
 */
export async function seed({ databaseUrl, rows, username, refreshTokenTtl, log = () => {} }) {
  const counts = seedCounts(rows);
  const started = performance.now();
  const passwordHash = await withDatabase(
    databaseUrl,
    async (query) => (await query('SELECT password_hash FROM users WHERE username = ?', [username]))[0].password_hash,
  );
  const sink = databaseUrl.startsWith('mysql://') ? await mysqlSink(databaseUrl) : sqliteSink(databaseUrl);
  const now = Date.now();
  const random = (min, max) => min + Math.floor(Math.random() * (max - min));
  try {
    const userIds = new Array(counts.users);
    await sink.fill('users', counts.users, (i) => {
      const created = now - random(0, 2 * TRAIL_SPAN_MS);
      userIds[i] = randomUUID();
      return [
        userIds[i], `seed-${i}@example.org`, passwordHash, `seed-${i}@example.org`, `Seeded User ${i}`, 0,
        null, datetime(created), datetime(created),
      ];
    });
    log(`seeded ${counts.users} users`);
    const clientIds = new Array(counts.clients);
    await sink.fill('clients', counts.clients, (i) => {
      const created = now - random(0, 2 * TRAIL_SPAN_MS);
      clientIds[i] = clientId();
      return [
        clientIds[i], digests(), `Seeded app ${i}`, JSON.stringify([`https://app-${i}.example.com/callback`]), null,
        JSON.stringify(['authorization_code', 'refresh_token']), 'openid profile email', 'client_secret_basic', 1, 0,
        null, null, null, datetime(created), datetime(created),
      ];
    });
    log(`seeded ${counts.clients} clients`);
    // A grant and its refresh token together: the token's row needs the grant's id, owner and time.
    const ttlMs = refreshTokenTtl * 1000;
    let token;
    await sink.fill(
      'grants',
      counts.grants,
      (i) => {
        const user = userIds[random(0, userIds.length)];
        const client = clientIds[random(0, clientIds.length)];
        // In the order they were made, as a database that has run for a while holds them: first the
        // expired (over for ten months down to a day beyond REFRESH_TOKEN_TTL), then the live
        // (expiring within its TTL).
        const expiredRows = Math.round(counts.grants * EXPIRED_SHARE);
        const expires = Math.floor(
          i < expiredRows
            ? now - ttlMs - 300 * DAY + (299 * DAY * i) / expiredRows
            : now + 60000 + ((ttlMs - 60000) * (i - expiredRows)) / (counts.grants - expiredRows),
        );
        const issued = expires - ttlMs;
        const granted = issued - random(0, 60 * DAY);
        const id = timeOrderedUuid(granted);
        token = [timeOrderedDigest(issued), id, client, user, 'openid profile email', datetime(expires), null, null, datetime(issued)];
        const revoked = i % 50 === 0 ? datetime(issued) : null;
        return [id, client, user, 'openid profile email', null, datetime(granted), revoked, datetime(granted)];
      },
      { table: 'refresh_tokens', row: () => token },
    );
    log(`seeded ${counts.grants} grants and as many refresh tokens`);
    const cumulative = AUDIT_MIX.reduce((acc, [type, share]) => [...acc, [type, (acc.at(-1)?.[1] ?? 0) + share]], []);
    await sink.fill('audit_events', counts.audit_events, (i) => {
      const draw = Math.random();
      const type = (cumulative.find(([, upTo]) => draw < upTo) ?? cumulative.at(-1))[0];
      const user = userIds[random(0, userIds.length)];
      const client = clientIds[random(0, clientIds.length)];
      // Oldest first, as they were written.
      const created = now - TRAIL_SPAN_MS + (TRAIL_SPAN_MS * i) / counts.audit_events;
      const ip = `198.51.100.${random(1, 255)}`;
      if (type === 'login.failed') {
        return [type, null, null, null, ip, JSON.stringify({ username: `seed-${random(0, userIds.length)}@example.org` }), datetime(created)];
      }
      const forClient = type === 'token.issued' && draw < 0.1;
      const detail = type.startsWith('token.') ? { grant_type: forClient ? 'client_credentials' : 'authorization_code', scope: 'openid profile email' } : null;
      return [
        type, forClient ? `client:${client}` : `user:${user}`, forClient ? null : user, client, ip,
        detail && JSON.stringify(detail), datetime(created),
      ];
    });
    log(`seeded ${counts.audit_events} audit events`);
  } finally {
    await sink.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { counts, total, seconds, rowsPerSecond: total / seconds };
}

/** What retention would delete now: refresh tokens past REFRESH_TOKEN_TTL after expiry, failed sign-ins past 30 days. */
export async function backlog(databaseUrl, refreshTokenTtl) {
  const now = Date.now();
  const queries = [
    ['refresh_tokens', 'SELECT COUNT(*) AS n FROM refresh_tokens WHERE expires_at < ?', datetime(now - refreshTokenTtl * 1000)],
    ['audit_events', "SELECT COUNT(*) AS n FROM audit_events WHERE type = 'login.failed' AND created_at < ?", datetime(now - FAILED_SIGN_IN_RETENTION_MS)],
  ];
  const out = {};
  await withDatabase(databaseUrl, async (query) => {
    for (const [table, sql, cutOff] of queries) out[table] = Number((await query(sql, [cutOff]))[0].n);
  });
  return out;
}

/** Rows of each seeded table, as counted now. */
export async function tableRows(databaseUrl) {
  const out = {};
  await withDatabase(databaseUrl, async (query) => {
    for (const table of Object.keys(TABLES)) out[table] = Number((await query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  });
  return out;
}

/**
 * SQLite: one prepared INSERT per table, 50,000 rows per transaction. This connection alone skips
 * the fsyncs and the foreign key checks (the rows are consistent by construction); the provider's
 * own connections are untouched.
 */
function sqliteSink(databaseUrl) {
  const db = new Database(databaseUrl.slice('sqlite:'.length), { timeout: 30000 });
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -1048576');
  const insert = (table) =>
    db.prepare(`INSERT INTO ${table} (${TABLES[table].join(', ')}) VALUES (${TABLES[table].map(() => '?').join(', ')})`);
  const PER_TRANSACTION = 50000;
  return {
    async fill(table, count, row, also) {
      const statement = insert(table);
      const second = also && insert(also.table);
      const batch = db.transaction((from, to) => {
        for (let i = from; i < to; i += 1) {
          statement.run(row(i));
          second?.run(also.row(i));
        }
      });
      for (let from = 0; from < count; from += PER_TRANSACTION) {
        batch(from, Math.min(count, from + PER_TRANSACTION));
        // Lets the provider's own checkpointer and timers run between transactions.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async close() {
      db.close();
    },
  };
}

/**
 * MySQL/MariaDB: multi-row INSERTs of 2,000 rows, committed every 20,000, on two connections at
 * once (one builds its next statement while the server stores the other's). These sessions skip
 * the foreign key and unique checks (consistent by construction); the provider's are untouched.
 */
async function mysqlSink(databaseUrl) {
  const PER_STATEMENT = 2000;
  const PER_COMMIT = 20000;
  const connections = await Promise.all([0, 1].map(() => mysql.createConnection({ uri: databaseUrl })));
  for (const connection of connections) await connection.query('SET foreign_key_checks = 0, unique_checks = 0');
  const store = async (connection, table, rows) => {
    if (rows.length) await connection.query(`INSERT INTO ${table} (${TABLES[table].join(', ')}) VALUES ?`, [rows]);
  };
  return {
    async fill(table, count, row, also) {
      let next = 0;
      const worker = async (connection) => {
        await connection.beginTransaction();
        let sinceCommit = 0;
        while (next < count) {
          const from = next;
          const to = Math.min(count, from + PER_STATEMENT);
          next = to;
          const rows = [];
          const others = [];
          for (let i = from; i < to; i += 1) {
            rows.push(row(i));
            if (also) others.push(also.row(i));
          }
          await store(connection, table, rows);
          await store(connection, also?.table, others);
          sinceCommit += to - from;
          if (sinceCommit >= PER_COMMIT) {
            await connection.commit();
            await connection.beginTransaction();
            sinceCommit = 0;
          }
        }
        await connection.commit();
      };
      await Promise.all(connections.map(worker));
    },
    async close() {
      await Promise.all(connections.map((connection) => connection.end()));
    },
  };
}
