import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Where a test file's (or a bench's) hub keeps its data: a fresh database, dropped afterwards, on DATABASE_URL's
 * server (CI's server run) or on the test run's embedded PostgreSQL (global-setup.ts). Outside jest without
 * DATABASE_URL (the benches), none: the hub starts its own embedded PostgreSQL.
 */
export async function testDatabase(prefix = 'sg_test'): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL || process.env.SOCGRAPH_TEST_SERVER_URL;
  if (!server) return { url: undefined, drop: async () => undefined };
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
