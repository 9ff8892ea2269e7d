import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Where a test file's (or a bench's) hub keeps its data: with DATABASE_URL (CI's server run), a fresh database
 * on that server, dropped afterwards; without it, the embedded in-memory database.
 */
export async function testDatabase(prefix = 'sg_test'): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
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
