import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { Agent } from 'undici';
import { startSandbox, type RunningSandbox } from '../src/sandbox/kit/index.js';
import { createIbmResilientSandbox } from '../src/sandbox/ibm-resilient/index.js';
import { createSecureworksCtpSandbox } from '../src/sandbox/secureworks-ctp/index.js';
import { hubNodeArgs } from './hub-node-args.js';
import { postgresPids, pssMb } from './process-memory.js';
import { testDatabase } from '../test/support/database.js';
import { control } from '../test/support/sandbox-control.js';

/**
 * ctp-sync: N CTP tickets × 3 worklogs × 1 attachment (4 KB) through both sandboxes, by the hub (a child
 * process: `node dist/src/main.js`, as deployed) and by a bare script making the same vendor calls with the
 * same concurrency and no hub (the floor). BENCH_TICKETS (default 10000), BENCH_CONCURRENCY (default 8),
 * BENCH_HUB_NODE_OPTIONS (e.g. `--max-old-space-size=192`: V8 otherwise grows the heap lazily, and RSS with it).
 */
const TICKETS = Number(process.env.BENCH_TICKETS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PAGE = 100;
const insecure = new Agent({ connect: { rejectUnauthorized: false }, connections: 64 });

interface RunFigures {
  seconds: number;
  ticketsPerSecond: number;
  vendorCalls: number;
  incidents: number;
  notes: number;
  attachments: number;
  peakRssMb: number | null;
  /** Peak of the summed PSS of the hub and (embedded database) its PostgreSQL processes, sampled every 250 ms. */
  peakPssMb?: number | null;
  /** CPU time (user + system) the hub process spent, from its first vendor call to the last acknowledgement. */
  hubCpuSeconds?: number;
}

export async function run(): Promise<void> {
  const ctp = await startSandbox(createSecureworksCtpSandbox());
  const soar = await startSandbox(createIbmResilientSandbox(), { tls: true });
  try {
    await seed(ctp);
    const floor = await floorRun(ctp, soar);
    await control(ctp, 'POST', '/reset');
    await control(soar, 'POST', '/reset');
    await seed(ctp);
    const hub = await hubRun(ctp, soar);
    const ratio = hub.ticketsPerSecond / floor.ticketsPerSecond;
    const embedded = !process.env.DATABASE_URL;
    const rows: Array<[string, string, string]> = [
      ['tickets', String(TICKETS), String(TICKETS)],
      ['seconds', hub.seconds.toFixed(1), floor.seconds.toFixed(1)],
      ['tickets/s', hub.ticketsPerSecond.toFixed(1), floor.ticketsPerSecond.toFixed(1)],
      ['vendor calls', String(hub.vendorCalls), String(floor.vendorCalls)],
      ['incidents / notes / attachments', `${hub.incidents} / ${hub.notes} / ${hub.attachments}`, `${floor.incidents} / ${floor.notes} / ${floor.attachments}`],
      ['peak RSS (MB), hub process', hub.peakRssMb === null ? 'n/a' : hub.peakRssMb.toFixed(0), '-'],
      [`peak PSS (MB), hub${embedded ? ' + PostgreSQL' : ''}`, hub.peakPssMb == null ? 'n/a' : hub.peakPssMb.toFixed(0), '-'],
      ['hub CPU (s)', String(hub.hubCpuSeconds ?? 'n/a'), '-'],
    ];
    process.stdout.write(`\nctp-sync: ${TICKETS} tickets × 3 worklogs × 1 attachment (4 KB), concurrency ${CONCURRENCY}, database ${embedded ? 'embedded PostgreSQL' : 'PostgreSQL server'}\n\n`);
    process.stdout.write(`${'figure'.padEnd(34)}${'hub'.padStart(24)}${'floor'.padStart(24)}\n`);
    for (const [label, a, b] of rows) process.stdout.write(`${label.padEnd(34)}${a.padStart(24)}${b.padStart(24)}\n`);
    process.stdout.write(`\nhub throughput = ${ratio.toFixed(2)} × floor (target ≥ 0.80); peak PSS of hub + its PostgreSQL target ≤ 256 MB\n`);
    process.stdout.write(`${JSON.stringify({ bench: 'ctp-sync', database: embedded ? 'embedded' : 'server', tickets: TICKETS, concurrency: CONCURRENCY, hub, floor, throughputRatio: Number(ratio.toFixed(3)) })}\n`);
  } finally {
    await ctp.close();
    await soar.close();
  }
}

async function seed(ctp: RunningSandbox): Promise<void> {
  await control(ctp, 'POST', '/seed', { count: TICKETS, worklogsPerTicket: 3, attachmentsPerTicket: 1, attachmentBytes: 4096 });
}

async function outcome(ctp: RunningSandbox, soar: RunningSandbox, seconds: number, peakRssMb: number | null): Promise<RunFigures> {
  const summary = await control(soar, 'GET', '/summary');
  return {
    seconds,
    ticketsPerSecond: TICKETS / seconds,
    vendorCalls: ctp.calls.list().length + soar.calls.list().length,
    incidents: summary.incidents,
    notes: summary.notes,
    attachments: summary.attachments,
    peakRssMb,
  };
}

/** The hub as deployed: its own process, its own database, sources configured at the sandboxes. */
async function hubRun(ctp: RunningSandbox, soar: RunningSandbox): Promise<RunFigures> {
  ctp.calls.clear();
  soar.calls.clear();
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-'));
  const config = join(dir, 'hub.yaml');
  const database = await testDatabase('sg_bench');
  const databaseUrl = database.url;
  writeFileSync(config, JSON.stringify({
    sandboxes: 'none',
    server: { port: 0, host: '127.0.0.1' },
    database: { dataDir: join(dir, 'postgres') },
    jobs: { 'ctp-resilient-sync': { intervalSeconds: 1 }, 'event-retention': { intervalSeconds: 0 } },
    sources: [
      { name: 'ctp', vendor: 'SECUREWORKS_CTP', baseUrl: ctp.apiUrl, credentials: { username: 'BENCH_CTP_USER', password: 'BENCH_CTP_PASSWORD' },
        settings: { queryLimit: PAGE, concurrency: CONCURRENCY } },
      { name: 'soar', vendor: 'IBM_RESILIENT', baseUrl: soar.apiUrl, tlsVerify: false, credentials: { apiKeyId: 'BENCH_SOAR_ID', apiKeySecret: 'BENCH_SOAR_SECRET' } },
    ],
  }));
  const child = spawn(process.execPath, [...hubNodeArgs(), 'dist/src/main.js'], {
    env: {
      ...process.env, NODE_OPTIONS: process.env.BENCH_HUB_NODE_OPTIONS ?? '', HUB_CONFIG: config, LOG_LEVEL: process.env.BENCH_HUB_LOG_LEVEL ?? 'error', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      BENCH_CTP_USER: ctp.credentials.username, BENCH_CTP_PASSWORD: ctp.credentials.password,
      BENCH_SOAR_ID: soar.credentials.apiKeyId, BENCH_SOAR_SECRET: soar.credentials.apiKeySecret,
    },
    stdio: ['ignore', process.env.BENCH_HUB_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit'],
  });
  try {
    // From the hub's first vendor call to the last acknowledgement (start-up is measured elsewhere).
    while (ctp.calls.list().length === 0) {
      if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}`);
      await sleep(20);
    }
    const started = performance.now();
    const cpuAtStart = cpuSeconds(child.pid!);
    let peak = 0;
    let peakPss = 0;
    let lastPss = 0;
    const dataDir = join(dir, 'postgres');
    const samplePss = () => {
      lastPss = performance.now();
      peakPss = Math.max(peakPss, pssMb([child.pid!, ...(databaseUrl ? [] : postgresPids(dataDir))]));
    };
    let lastReport = started;
    for (;;) {
      peak = Math.max(peak, rssMb(child.pid!, 'VmHWM'));
      if (performance.now() - lastPss >= 250) samplePss();
      const summary = await control(ctp, 'GET', '/summary');
      if (summary.inFeed === 0) break;
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        process.stderr.write(`  hub: ${TICKETS - summary.inFeed}/${TICKETS} tickets synced after ${((lastReport - started) / 1000).toFixed(0)} s\n`);
        if (process.env.BENCH_HUB_LOG_LEVEL) {
          const last = [...ctp.calls.list().slice(-3), ...soar.calls.list().slice(-3)].map((c) => `${c.at} ${c.method} ${c.path} ${c.status}`);
          process.stderr.write(`    last calls: ${last.join(' | ')}\n`);
        }
      }
      if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}`);
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;
    const hubCpuSeconds = Number((cpuSeconds(child.pid!) - cpuAtStart).toFixed(1));
    peak = Math.max(peak, rssMb(child.pid!, 'VmHWM'));
    samplePss();
    return { ...await outcome(ctp, soar, seconds, peak), hubCpuSeconds, peakPssMb: Number(peakPss.toFixed(1)) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await database.drop();
  }
}

/** The same vendor calls for a new ticket as the hub makes, with the same concurrency, and nothing else. */
async function floorRun(ctp: RunningSandbox, soar: RunningSandbox): Promise<RunFigures> {
  ctp.calls.clear();
  soar.calls.clear();
  const ctpAuth = { authorization: `APIKEY ${ctp.credentials.username}:${ctp.credentials.password}`, 'content-type': 'application/json' };
  const soarAuth = { authorization: `Basic ${Buffer.from(`${soar.credentials.apiKeyId}:${soar.credentials.apiKeySecret}`).toString('base64')}` };
  const call = async (url: string, init: RequestInit & { headers?: Record<string, string> } = {}) => {
    const response = await fetch(url, { ...init, dispatcher: insecure } as RequestInit);
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status}`);
    return response.json() as Promise<any>;
  };
  const limit = pLimit(CONCURRENCY);
  const started = performance.now();
  const session = await call(`${soar.apiUrl}/rest/session`, { headers: soarAuth });
  const org = `${soar.apiUrl}/rest/orgs/${session.orgs.find((o: { enabled?: boolean }) => o.enabled !== false).id}`;
  for (;;) {
    const { tickets } = await call(`${ctp.apiUrl}/tickets/updates?ticketType=INCIDENT&groupingType=SECURITY&limit=${PAGE}`, { method: 'POST', headers: ctpAuth });
    if (tickets.length === 0) break;
    await Promise.all(tickets.map((t: any) => limit(async () => {
      const json = { ...soarAuth, 'content-type': 'application/json' };
      await call(`${org}/incidents/query_paged?return_level=normal&handle_format=names`, {
        method: 'POST', headers: json,
        body: JSON.stringify({ filters: [{ conditions: [{ field_name: 'properties.scwx_ctp_ticket_id', method: 'equals', value: t.ticketId }] }], start: 0, length: 1 }),
      });
      const incident = await call(`${org}/incidents?handle_format=names`, {
        method: 'POST', headers: json,
        body: JSON.stringify({ name: `Secureworks CTP Incident - for Ticket ID ${t.ticketId}`, discovered_date: t.dateCreated, properties: { scwx_ctp_ticket_id: t.ticketId } }),
      });
      for (const w of [...t.worklogs].reverse()) {
        await call(`${org}/incidents/${incident.id}/comments`, { method: 'POST', headers: json, body: JSON.stringify({ text: `<b>Secureworks CTP Worklog:</b> ${w.dateCreated}<br />${w.description}` }) });
      }
      for (const a of t.attachmentInfo) {
        const file = await call(`${ctp.apiUrl}/tickets/${t.ticketId}/attachments/${a.id}`, { headers: ctpAuth });
        const form = new FormData();
        form.append('file', new Blob([Buffer.from(file.attachment.content, 'base64')]), `${a.name}-attachmentInfo-id-${a.id}`);
        await call(`${org}/incidents/${incident.id}/attachments`, { method: 'POST', headers: soarAuth, body: form });
      }
    })));
    await call(`${ctp.apiUrl}/tickets/acknowledge`, {
      method: 'POST', headers: ctpAuth, body: JSON.stringify({ ticketVersions: tickets.map((t: any) => ({ ticketId: t.ticketId, version: t.version })) }),
    });
  }
  return outcome(ctp, soar, (performance.now() - started) / 1000, null);
}


function rssMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** utime + stime of a process (Linux), in seconds; 0 when unreadable. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ, 100 on Linux)
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
