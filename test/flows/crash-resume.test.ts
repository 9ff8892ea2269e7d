import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIbmResilientSandbox } from '../../src/sandbox/ibm-resilient/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createSecureworksCtpSandbox } from '../../src/sandbox/secureworks-ctp/index.js';
import { testDatabase } from '../support/database.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { control } from '../support/sandbox-control.js';

/**
 * Issue 9 item 6, truthful after a crash: `kill -9` the hub during a long CTP → Resilient run, start it again,
 * and the dead run shows FAILED (interrupted) while a new run starts within seconds — not at the job's next
 * interval (600 s here) — and completes the backfill. On a fresh database of the test run's PostgreSQL (the
 * embedded one, or DATABASE_URL's server).
 */
const TICKETS = 600;
const INTERVAL_SECONDS = 600;

let ctp: RunningSandbox;
let soar: RunningSandbox;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  ctp = await startSandbox(createSecureworksCtpSandbox());
  soar = await startSandbox(createIbmResilientSandbox(), { tls: true });
  database = await testDatabase();
});

afterAll(async () => {
  await ctp?.close();
  await soar?.close();
  await database?.drop();
});

interface Run { id: string; state: string; error: string | null; startedAt: string | null; finishedAt: string | null }

async function graphql<T>(hub: HubProcess, token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(hub.url, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json() as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

const lastRun = async (hub: HubProcess, token: string) =>
  (await graphql<{ jobs: Array<{ name: string; lastRun: Run | null }> }>(hub, token, '{ jobs { name lastRun { id state error startedAt finishedAt } } }'))
    .jobs.find((job) => job.name === 'ctp-resilient-sync')!.lastRun;

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('marks the run a SIGKILL interrupted FAILED at the next start and runs the job again at once', async () => {
  await control(ctp, 'POST', '/seed', { count: TICKETS, worklogsPerTicket: 2, attachmentsPerTicket: 1, attachmentBytes: 256 });
  const dir = mkdtempSync(join(tmpdir(), 'sg-crash-resume-'));
  const config = join(dir, 'hub.yaml');
  writeFileSync(config, JSON.stringify({
    sandboxes: 'none',
    server: { port: 0, host: '127.0.0.1' },
    database: { dataDir: join(dir, 'postgres') },
    jobs: { 'ctp-resilient-sync': { intervalSeconds: INTERVAL_SECONDS }, 'event-retention': { intervalSeconds: 0 } },
    sources: [
      { vendor: 'SECUREWORKS_CTP', baseUrl: ctp.apiUrl, credentials: { username: 'CR_CTP_USER', password: 'CR_CTP_PASSWORD' }, settings: { queryLimit: 100 } },
      { vendor: 'IBM_RESILIENT', baseUrl: soar.apiUrl, tlsVerify: false, credentials: { apiKeyId: 'CR_SOAR_ID', apiKeySecret: 'CR_SOAR_SECRET' } },
    ],
  }));
  const env = {
    HUB_CONFIG: config, DATABASE_URL: database.url ?? '',
    CR_CTP_USER: ctp.credentials.username, CR_CTP_PASSWORD: ctp.credentials.password,
    CR_SOAR_ID: soar.credentials.apiKeyId, CR_SOAR_SECRET: soar.credentials.apiKeySecret,
  };
  const created = spawnSync(process.execPath, ['dist/src/cli/token.js', 'create', '--role', 'OPERATOR', '--name', 'crash-test'], {
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000,
  });
  expect(created.status).toBe(0);
  const token = created.stdout.trim();
  const inFeed = async () => (await control(ctp, 'GET', '/summary')).inFeed as number;

  // The start-up tick runs the sync; kill the hub in the middle of it.
  const first = await startHubProcess(env);
  let dead: Run;
  try {
    dead = await until('a run in progress', 60_000, async () => {
      const run = await lastRun(first, token);
      const left = await inFeed();
      return run?.state === 'RUNNING' && left < TICKETS ? run : null;
    });
  } catch (error) {
    await first.stop();
    throw error;
  }
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  expect(await inFeed()).toBeGreaterThan(0); // the backfill was not finished

  const restartedAt = Date.now();
  const second = await startHubProcess(env);
  try {
    const deadNow = (await graphql<{ node: Run }>(second, token, 'query($id: ID!) { node(id: $id) { ... on JobRun { id state error startedAt finishedAt } } }', { id: dead.id })).node;
    expect(deadNow.state).toBe('FAILED');
    expect(deadNow.error).toMatch(/^interrupted/);
    const resumed = await until('a new run', 60_000, async () => {
      const run = await lastRun(second, token);
      return run && run.id !== dead.id && run.startedAt ? run : null;
    });
    // Seconds after the restart, where the job's interval would have said 600 s.
    const delaySeconds = (Date.parse(resumed.startedAt!) - restartedAt) / 1000;
    process.stdout.write(`interrupted run ${dead.id} FAILED; new run started ${delaySeconds.toFixed(1)} s after the restart (interval ${INTERVAL_SECONDS} s)\n`);
    expect(delaySeconds).toBeLessThan(INTERVAL_SECONDS / 10);
    const finished = await until('the new run to finish', 300_000, async () => {
      const run = await lastRun(second, token);
      return run && run.id !== dead.id && run.finishedAt ? run : null;
    });
    expect(finished.state).toBe('COMPLETED');
    expect(await inFeed()).toBe(0);
    const { incidents } = await control(soar, 'GET', '/incidents');
    expect(new Set((incidents as Array<{ ticketId: string }>).map((i) => i.ticketId)).size).toBe(TICKETS);
  } finally {
    expect(await second.stop()).toBe(0);
  }
}, 600_000);
