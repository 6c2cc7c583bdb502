// The Galera cluster of scripts/galera.sh as the bench sees it (--galera): what answers behind
// HAProxy, and a database of its own on it for each run.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

const connect = (url) => mysql.createConnection({ uri: url, connectTimeout: 3000 });

/** The cluster behind `url`: its size and its nodes' SQL ports, as the node reached lists them. Throws if nothing answers. */
export async function galeraCluster(url) {
  const connection = await connect(url);
  try {
    const [rows] = await connection.query(
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_incoming_addresses')",
    );
    const status = Object.fromEntries(rows.map((row) => [row.Variable_name, row.Value]));
    const addresses = (status.wsrep_incoming_addresses ?? '').split(',').filter(Boolean);
    return {
      size: Number(status.wsrep_cluster_size ?? 0),
      ports: addresses.map((address) => Number(address.slice(address.lastIndexOf(':') + 1))),
    };
  } finally {
    await connection.end();
  }
}

/** A new, empty database on the server behind `url`: its URL, and drop() to remove it. */
export async function freshDatabase(url) {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = async (statement) => {
    const connection = await connect(url);
    try {
      await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const database = new URL(url);
  database.pathname = `/${name}`;
  return { name, url: database.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name}`) };
}
