import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SessionQueue } from './session-queue.js';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the `pg` driver (the same code path as a real server). */
  url: string;
  /** Where the data lives, or 'memory'. */
  location: string;
  close(): Promise<void>;
}

/**
 * PostgreSQL without a server: PGlite in this process, served on a loopback port by pglite-socket so
 * TypeORM and pg-boss use the ordinary `pg` driver. Connections are multiplexed onto PGlite's single
 * session by SessionQueue; LISTEN/NOTIFY does not cross it, which is why the event bus uses an
 * in-process channel on this database.
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; port?: number } = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    claimDataDir(options.dataDir);
  }
  const db = await PGlite.create({ dataDir: options.dataDir, extensions: { pgcrypto } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 64 });
  // Replace the server's queue before any connection exists: handlers take it at connect time.
  (server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(db);
  await server.start();
  const conn = server.getServerConn();
  return {
    url: `postgres://postgres@${conn}/postgres?sslmode=disable`,
    location: options.dataDir ?? 'memory',
    async close() {
      await server.stop();
      await db.close();
      if (options.dataDir) rmSync(join(options.dataDir, LOCK_FILE), { force: true });
    },
  };
}

const LOCK_FILE = 'socgraph.pid';

/** PGlite is single-process: refuse a data folder another live process holds, instead of corrupting it. */
function claimDataDir(dataDir: string): void {
  const lock = join(dataDir, LOCK_FILE);
  try {
    const holder = Number(readFileSync(lock, 'utf8'));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(`the embedded database at ${dataDir} is in use by process ${holder}; stop it first (or set DATABASE_URL to use a PostgreSQL server)`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  writeFileSync(lock, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
