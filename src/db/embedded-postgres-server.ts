import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SessionQueue } from './session-queue.js';

export interface ServedPostgres {
  url: string;
  close(): Promise<void>;
}

/**
 * PGlite served on a loopback port by pglite-socket in the calling thread, so TypeORM and pg-boss use the
 * ordinary `pg` driver. Connections are multiplexed onto PGlite's single session by SessionQueue.
 */
export async function servePglite(options: { dataDir?: string; port?: number }): Promise<ServedPostgres> {
  const db = await PGlite.create({ dataDir: options.dataDir, extensions: { pgcrypto, pg_trgm } });
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
