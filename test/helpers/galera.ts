import { createConnection } from 'mysql2/promise';

/**
 * The Galera cluster of scripts/galera.sh, as its `env` command names it: HAProxy's one address and
 * each node's own. A database made here exists on every node; `url(where)` reaches it through
 * HAProxy or straight through one node.
 */
export interface ClusterDatabase {
  url(where: 'haproxy' | 1 | 2 | 3): string;
  drop(): Promise<void>;
}

function server(where: 'haproxy' | 1 | 2 | 3): string {
  const name = where === 'haproxy' ? 'GALERA_HAPROXY_URL' : `GALERA_NODE${where}_URL`;
  const url = process.env[name];
  if (!url) throw new Error(`${name} is not set`);
  return url.replace(/\/$/, '');
}

/** A new, empty database on the cluster, named after `prefix` and this process. */
export async function clusterDatabase(prefix: string): Promise<ClusterDatabase> {
  const name = `${prefix}_${process.pid}`;
  const admin = async (sql: string) => {
    const connection = await createConnection(server(1));
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  return {
    url: (where) => `${server(where)}/${name}`,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name}`),
  };
}
