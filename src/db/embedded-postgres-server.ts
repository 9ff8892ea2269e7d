import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SessionQueue } from './session-queue.js';

/**
 * PGlite's buffer cache. Its default, 128 MB, is resident once touched; pages beyond the cache are re-read from
 * the data folder through the OS page cache, so a smaller cache costs little and keeps the hub's memory down.
 */
const SHARED_BUFFERS = process.env.SOCGRAPH_PGLITE_SHARED_BUFFERS || '32MB';

/** How every embedded PGlite is opened: our extensions, PGlite's start parameters plus the buffer cache size. */
export function pgliteOptions(dataDir: string | undefined) {
  return {
    dataDir,
    extensions: { pgcrypto, pg_trgm },
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
  };
}

export interface ServedPostgres {
  url: string;
  close(): Promise<void>;
}

/**
 * PGlite served on a loopback port by pglite-socket in the calling thread, so TypeORM and pg-boss use the
 * ordinary `pg` driver. Connections are multiplexed onto PGlite's single session by SessionQueue.
 */
export async function servePglite(options: { dataDir?: string; port?: number }): Promise<ServedPostgres> {
  const db = await PGlite.create(pgliteOptions(options.dataDir));
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 64 });
  // Replace the server's queue before any connection exists: handlers take it at connect time.
  (server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(db);
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
