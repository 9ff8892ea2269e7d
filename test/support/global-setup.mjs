import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
// Jest loads global setup natively (no ts-jest, no module mapping): the hub's start-up code comes from the build,
// which `npm test` makes first.
import { embeddedCredentials } from '../../dist/src/db/embedded-credentials.js';
import { startEmbeddedPostgres } from '../../dist/src/db/embedded-postgres.js';

/**
 * Without DATABASE_URL, one embedded PostgreSQL (the hub's own start-up code, in a temporary folder) serves the whole
 * run: each test file gets a fresh database in it (test/support/database.ts), made as its superuser, as on CI's
 * server (the hub's own role and start-up are tested by embedded-postgres.test.ts). Workers
 * inherit SOCGRAPH_TEST_SERVER_URL from this process; teardown stops it and removes the folder.
 */
export async function setup() {
  if (process.env.DATABASE_URL) return;
  const dataDir = join(mkdtempSync(join(tmpdir(), 'sg-test-pg-')), 'postgres');
  // Many hubs at once (two workers, some files start several), and data that lives for one run: no fsync.
  const embedded = await startEmbeddedPostgres({
    dataDir,
    settings: { max_connections: '300', fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  // Test files create and drop their databases as the superuser, as on CI's server: `DROP DATABASE … WITH (FORCE)`
  // may have to end sessions that only a superuser may end (an autovacuum worker's, say).
  const url = new URL(embedded.url);
  url.username = 'postgres';
  url.password = embeddedCredentials(dataDir).superuserPassword;
  url.pathname = '/postgres';
  process.env.SOCGRAPH_TEST_SERVER_URL = url.toString();
  globalThis.socgraphTestPostgres = embedded;
}

export async function teardown() {
  const embedded = globalThis.socgraphTestPostgres;
  if (!embedded) return;
  await embedded.close();
  rmSync(dirname(embedded.location), { recursive: true, force: true });
}

export default setup;
