import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { logger } from '../observability/logger.js';
import { servePglite, type ServedPostgres } from './embedded-postgres-server.js';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the `pg` driver (the same code path as a real server). */
  url: string;
  /** Where the data lives, or 'memory'. */
  location: string;
  /** Whether PGlite runs on its own worker thread (the default) rather than on the hub's event loop. */
  threaded: boolean;
  close(): Promise<void>;
}

/**
 * PostgreSQL without a server: PGlite in this process, served on a loopback port by pglite-socket so
 * TypeORM and pg-boss use the ordinary `pg` driver. PGlite runs on a worker thread, so its WebAssembly
 * does not share the event loop with GraphQL and the jobs (on 2 cores it roughly doubles what a sync can do).
 * LISTEN/NOTIFY does not cross pglite-socket's multiplexer, which is why the event bus uses an in-process
 * channel on this database.
 */
/** `thread: false` (or SOCGRAPH_PGLITE_THREAD=off) keeps PGlite on the calling thread. */
export async function startEmbeddedPostgres(options: { dataDir?: string; port?: number; thread?: boolean } = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    claimDataDir(options.dataDir);
  }
  try {
    if (options.dataDir && !existsSync(join(options.dataDir, 'PG_VERSION'))) await initialiseApart(options.dataDir);
    const onThread = options.thread ?? process.env.SOCGRAPH_PGLITE_THREAD !== 'off';
    const workerFile = onThread ? builtEntry('embedded-postgres-worker.js') : null;
    const served = workerFile ? await serveOnWorker(workerFile, options) : await servePglite(options);
    return {
      url: served.url,
      location: options.dataDir ?? 'memory',
      threaded: workerFile !== null,
      async close() {
        await served.close();
        if (options.dataDir) releaseDataDir(options.dataDir);
      },
    };
  } catch (error) {
    if (options.dataDir) releaseDataDir(options.dataDir);
    throw error;
  }
}

/**
 * A compiled entry next to this module. Under ts-jest this module runs from `src/` as TypeScript; the entry then
 * comes from the build (`npm test` builds first). Without it, the work is done in this thread.
 */
function builtEntry(file: string): string | null {
  const here = fileURLToPath(import.meta.url);
  const path = here.endsWith('.ts')
    ? fileURLToPath(new URL(`../../dist/src/db/${file}`, import.meta.url))
    : join(here, '..', file);
  if (existsSync(path)) return path;
  logger.warn({ file }, 'embedded database entry not built; running it on the main thread');
  return null;
}

/** A new data folder is created (initdb) by a short-lived process, whose memory is all returned when it exits. */
async function initialiseApart(dataDir: string): Promise<void> {
  const entry = builtEntry('embedded-postgres-init.js');
  if (!entry) return; // PGlite.create in the serving thread creates it instead
  const child = spawn(process.execPath, [entry, dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const [code] = await once(child, 'exit') as [number | null];
  if (code !== 0) throw new Error(`could not create the embedded database in ${dataDir}: ${stderr.trim() || `exit ${code}`}`);
}

function serveOnWorker(file: string, options: { dataDir?: string; port?: number }): Promise<ServedPostgres> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: { dataDir: options.dataDir, port: options.port } });
    let closing: { resolve: () => void; reject: (error: Error) => void } | null = null;
    worker.on('message', (message: { url?: string; error?: string; closeError?: string } | 'closed') => {
      if (message === 'closed' || message.closeError !== undefined) {
        const done = closing;
        closing = null;
        void worker.terminate().then(() => (message === 'closed' ? done?.resolve() : done?.reject(new Error(message.closeError))));
      } else if (message.error !== undefined) {
        void worker.terminate();
        reject(new Error(message.error));
      } else if (message.url) {
        // The hub's own pool connections keep the process alive while it runs; the worker alone does not.
        worker.unref();
        resolve({
          url: message.url,
          close: () => new Promise<void>((done, fail) => {
            closing = { resolve: done, reject: fail };
            // Held until PGlite has closed its files: with the pool gone nothing else keeps the process alive, and an
            // exit here would end it mid-close (and with code 0, whatever the caller meant to report).
            worker.ref();
            worker.postMessage('close');
          }),
        });
      }
    });
    worker.on('error', (error) => {
      logger.error({ err: error }, 'embedded database worker failed');
      reject(error);
      closing?.reject(error);
    });
    worker.on('exit', (code) => {
      if (closing) closing.reject(new Error(`embedded database worker exited (${code}) while closing`));
    });
  });
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

function releaseDataDir(dataDir: string): void {
  rmSync(join(dataDir, LOCK_FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
