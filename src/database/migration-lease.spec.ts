import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { itWith } from '../../test/helpers/requirements';
import { dataSourceOptions, openDataSource } from './data-source-options';
import { MIGRATIONS } from './migrations';

/** Opens `count` data sources on one new database at once, as instances starting together do; answers the migrations recorded. */
async function startTogether(url: string, count: number): Promise<string[]> {
  const sources = await Promise.all(Array.from({ length: count }, () => openDataSource(dataSourceOptions(url, 2))));
  try {
    const rows = (await sources[0].query('SELECT name FROM migrations ORDER BY id')) as { name: string }[];
    return rows.map((row) => row.name);
  } finally {
    await Promise.all(sources.map((source) => source.destroy()));
  }
}

const everyMigrationOnce = MIGRATIONS.map((migration) => migration.name);

describe('migrations, one instance at a time', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'migration-lease-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('waits while another instance holds the lease, and takes it once it expires unreleased (its holder died)', async () => {
    const url = `sqlite:${join(dir, 'held.sqlite')}`;
    const first = await openDataSource(dataSourceOptions(url));
    // Another instance migrating for one more second, as far as the lease says.
    await first.query("UPDATE migration_lease SET holder = 'elsewhere', expires_at = ?", [Date.now() + 1000]);
    const started = Date.now();
    const second = await openDataSource(dataSourceOptions(url));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const [lease] = (await second.query('SELECT holder FROM migration_lease')) as { holder: string | null }[];
    expect(lease.holder).toBeNull();
    await Promise.all([first.destroy(), second.destroy()]);
  });

  itWith(
    'mysql',
    'lets instances that start together on a new MySQL database run every migration once, and all start',
    async () => {
      const server = new URL(process.env.DATABASE_URL!);
      const name = `lease_${process.pid}`;
      const admin = await createConnection({
        host: server.hostname,
        port: Number(server.port || 3306),
        user: server.username,
        password: server.password,
      });
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.query(`CREATE DATABASE ${name}`);
        server.pathname = `/${name}`;
        await expect(startTogether(server.toString(), 4)).resolves.toEqual(everyMigrationOnce);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
        await admin.end();
      }
    },
  );
});
