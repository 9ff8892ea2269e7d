import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { createCywareCftrSandbox } from '../src/sandbox/cyware-cftr/index.js';
import { createCywareCtixSandbox } from '../src/sandbox/cyware-ctix/index.js';
import { startSandbox, type RunningSandbox } from '../src/sandbox/kit/index.js';
import { CftrClient } from '../src/sources/cyware-cftr/client.js';
import { cftrSettingsSchema } from '../src/sources/cyware-cftr/settings.js';
import { CtixClient } from '../src/sources/cyware-ctix/client.js';
import { ctixIocType, toIndicatorType } from '../src/sources/cyware-ctix/map.js';
import { ctixSettingsSchema } from '../src/sources/cyware-ctix/settings.js';
import type { IndicatorType } from '../src/domain/model.js';
import { logger } from '../src/observability/logger.js';
import { hubNodeArgs } from './hub-node-args.js';
import { testDatabase } from '../test/support/database.js';
import { control } from '../test/support/sandbox-control.js';

/**
 * cftr: BENCH_INCIDENTS (default 1000) Respond incidents, each from a bulk selection of BENCH_BATCH (default 10)
 * Intel Exchange objects (reports, malware, actors, … each related to BENCH_IOCS, default 5, IOCs of every mapped
 * type), through the `createCftrIncident` mutation over HTTP (with an idempotency key) of the hub running as its own
 * process, BENCH_CONCURRENCY (default 8) calls in flight. The floor: the same CTIX reads and Respond creates made
 * directly with the vendor clients from this process, same concurrency, no hub (no GraphQL, no database).
 * BENCH_HUB_NODE_OPTIONS: Node options of the hub process; BENCH_HUB_PROFILE_DIR: CPU profile of the hub process there.
 */
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10);
const IOCS = Number(process.env.BENCH_IOCS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const OBJECTS = INCIDENTS * BATCH;
const TYPES = ['report', 'malware', 'threat-actor', 'campaign', 'intrusion-set'];

interface RunFigures {
  seconds: number;
  incidentsPerSecond: number;
  vendorCalls: number;
  vendorCallsPerIncident: number;
  latencyMsP50: number;
  latencyMsP95: number;
  hubPeakRssMb?: number;
  cftrIncidents: number;
  linkedIndicators: number;
}

export async function run(): Promise<void> {
  logger.level = process.env.BENCH_LOG_LEVEL ?? 'warn';
  const ctix = await startSandbox(createCywareCtixSandbox());
  const cftr = await startSandbox(createCywareCftrSandbox());
  try {
    const floorIds = await seed(ctix);
    const floor = await floorRun(ctix, cftr, floorIds);
    await Promise.all([control(ctix, 'POST', '/reset'), control(cftr, 'POST', '/reset')]);
    await seed(ctix);
    const hub = await hubRun(ctix, cftr);
    const ratio = hub.incidentsPerSecond / floor.incidentsPerSecond;
    const rows: Array<[string, string, string]> = [
      ['incidents (selections of objects)', `${hub.cftrIncidents} (${BATCH})`, `${floor.cftrIncidents} (${BATCH})`],
      ['seconds', hub.seconds.toFixed(1), floor.seconds.toFixed(1)],
      ['incidents/s', hub.incidentsPerSecond.toFixed(1), floor.incidentsPerSecond.toFixed(1)],
      ['vendor calls', String(hub.vendorCalls), String(floor.vendorCalls)],
      ['vendor calls per incident', hub.vendorCallsPerIncident.toFixed(1), floor.vendorCallsPerIncident.toFixed(1)],
      ['latency p50 / p95 (ms)', `${hub.latencyMsP50.toFixed(0)} / ${hub.latencyMsP95.toFixed(0)}`, `${floor.latencyMsP50.toFixed(0)} / ${floor.latencyMsP95.toFixed(0)}`],
      ['indicators linked', String(hub.linkedIndicators), String(floor.linkedIndicators)],
      ['hub peak RSS (MB)', String(hub.hubPeakRssMb ?? 'n/a'), '-'],
    ];
    process.stdout.write(`\ncftr: ${INCIDENTS} Respond incidents from bulk selections of ${BATCH} Intel Exchange objects (${IOCS} IOCs each), ` +
      `concurrency ${CONCURRENCY}, database ${process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded PostgreSQL'}\n\n`);
    process.stdout.write(`${'figure'.padEnd(36)}${'hub (GraphQL)'.padStart(22)}${'floor (clients)'.padStart(22)}\n`);
    for (const [label, a, b] of rows) process.stdout.write(`${label.padEnd(36)}${a.padStart(22)}${b.padStart(22)}\n`);
    process.stdout.write(`\nhub throughput = ${ratio.toFixed(2)} × floor (same run)\n`);
    process.stdout.write(`${JSON.stringify({
      bench: 'cftr', incidents: INCIDENTS, batch: BATCH, iocsPerObject: IOCS, concurrency: CONCURRENCY,
      database: process.env.DATABASE_URL ? 'server' : 'embedded', hub, floor, throughputRatio: Number(ratio.toFixed(3)),
    })}\n`);
  } finally {
    await ctix.close();
    await cftr.close();
  }
}

/** OBJECTS objects of non-indicator types, each related to IOCS fresh IOCs; answers their ids and types. */
async function seed(ctix: RunningSandbox): Promise<Array<{ id: string; type: string }>> {
  const seeded = await control(ctix, 'POST', '/seed', { count: OBJECTS, iocsPerObject: IOCS });
  return seeded.objectIds;
}

/**
 * The hub as deployed: its own process (`node dist/src/main.js`) on its own database, sources at the sandboxes, an
 * OPERATOR token made with `npm run token` first. Timed from the first mutation to the last answer.
 */
async function hubRun(ctix: RunningSandbox, cftr: RunningSandbox): Promise<RunFigures> {
  const database = await testDatabase('sg_bench');
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-cftr-'));
  const config = join(dir, 'hub.json');
  writeFileSync(config, JSON.stringify({
    sandboxes: 'none',
    server: { port: 0, host: '127.0.0.1' },
    database: { dataDir: join(dir, 'postgres') },
    jobs: { 'event-retention': { intervalSeconds: 0 } },
    sources: [
      { name: 'ctix', vendor: 'CYWARE_CTIX', baseUrl: ctix.apiUrl, credentials: { accessId: 'BENCH_CTIX_ID', secretKey: 'BENCH_CTIX_SECRET' } },
      { name: 'cftr', vendor: 'CYWARE_CFTR', baseUrl: cftr.apiUrl, credentials: { accessId: 'BENCH_CFTR_ID', secretKey: 'BENCH_CFTR_SECRET' } },
    ],
  }));
  const env = {
    ...process.env, NODE_OPTIONS: process.env.BENCH_HUB_NODE_OPTIONS ?? '', HUB_CONFIG: config, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DATABASE_URL: database.url ?? '',
    BENCH_CTIX_ID: ctix.credentials.accessId, BENCH_CTIX_SECRET: ctix.credentials.secretKey,
    BENCH_CFTR_ID: cftr.credentials.accessId, BENCH_CFTR_SECRET: cftr.credentials.secretKey,
  };
  const made = spawnSync(process.execPath, ['dist/src/cli/token.js', 'create', '--role', 'OPERATOR', '--name', 'bench'], { env, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`token: ${made.stderr}`);
  const token = made.stdout.trim();
  const child = spawn(process.execPath, [...hubNodeArgs(), 'dist/src/main.js'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /GraphQL \(HTTP \+ graphql-ws\): (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`hub exited with ${code}: ${out}`)));
    });
    const graphql = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
      });
      const body = await response.json() as { data?: any; errors?: unknown[] };
      if (body.errors?.length) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
      return body.data;
    };
    // The objects' ids, as a user gets them (not timed).
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const data: any = await graphql(`query($after: String) { threatData(filter: { types: ${JSON.stringify(TYPES)} }, first: 100, after: $after) {
        pageInfo { hasNextPage endCursor } nodes { id } } }`, { after });
      ids.push(...data.threatData.nodes.map((n: { id: string }) => n.id));
      after = data.threatData.pageInfo.hasNextPage ? data.threatData.pageInfo.endCursor : null;
    } while (after);
    if (ids.length !== OBJECTS) throw new Error(`expected ${OBJECTS} objects, the graph lists ${ids.length}`);

    ctix.calls.clear();
    cftr.calls.clear();
    const limit = pLimit(CONCURRENCY);
    const latencies: number[] = [];
    let linked = 0;
    let peak = 0;
    const started = performance.now();
    await Promise.all(batches(ids).map((selection) => limit(async () => {
      const t0 = performance.now();
      const data = await graphql(`mutation($input: CreateCftrIncidentInput!) { createCftrIncident(input: $input) {
        incident { id externalId } linkedIndicators { id } skippedIndicators { value } } }`, { input: { threatDataIds: selection, idempotencyKey: randomUUID() } });
      latencies.push(performance.now() - t0);
      linked += data.createCftrIncident.linkedIndicators.length;
      peak = Math.max(peak, rssMb(child.pid!));
    })));
    const seconds = (performance.now() - started) / 1000;
    return { ...(await figures(ctix, cftr, seconds, latencies, linked)), hubPeakRssMb: round(Math.max(peak, rssMb(child.pid!))) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await database.drop();
  }
}

function rssMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The same CTIX reads (detail + relations per object) and one Respond create per selection, with the vendor clients only. */
async function floorRun(ctix: RunningSandbox, cftr: RunningSandbox, objects: Array<{ id: string; type: string }>): Promise<RunFigures> {
  const ctixClient = new CtixClient({
    sourceName: 'ctix', baseUrl: ctix.apiUrl, settings: ctixSettingsSchema.parse({}),
    credentials: { accessId: ctix.credentials.accessId!, secretKey: ctix.credentials.secretKey! },
  });
  const cftrClient = new CftrClient({
    sourceName: 'cftr', baseUrl: cftr.apiUrl, settings: cftrSettingsSchema.parse({}),
    credentials: { accessId: cftr.credentials.accessId!, secretKey: cftr.credentials.secretKey! },
  });
  ctix.calls.clear();
  cftr.calls.clear();
  const limit = pLimit(CONCURRENCY);
  const latencies: number[] = [];
  let linked = 0;
  const started = performance.now();
  await Promise.all(batches(objects).map((selection) => limit(async () => {
    const t0 = performance.now();
    const read = await Promise.all(selection.map(async (o) => {
      const [detail, iocs] = await Promise.all([ctixClient.getThreatData(o.type, o.id), ctixClient.relatedIndicators(o.type, o.id)]);
      return { detail, iocs };
    }));
    const indicators = read.flatMap((r) => r.iocs).flatMap((ioc) => {
      const type: IndicatorType | null = toIndicatorType(ctixIocType(ioc));
      return type ? [{ type, value: ioc.name }] : [];
    });
    await cftrClient.createIncident({ title: read[0]!.detail.name, indicators, externalId: `floor:${randomUUID()}`, status: 'Open' });
    latencies.push(performance.now() - t0);
    linked += indicators.length;
  })));
  return figures(ctix, cftr, (performance.now() - started) / 1000, latencies, linked);
}

async function figures(ctix: RunningSandbox, cftr: RunningSandbox, seconds: number, latencies: number[], linked: number): Promise<RunFigures> {
  const vendorCalls = ctix.calls.list().length + cftr.calls.list().length;
  const created = (await control(cftr, 'GET', '/incidents')).count as number;
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    seconds: round(seconds),
    incidentsPerSecond: round(INCIDENTS / seconds),
    vendorCalls,
    vendorCallsPerIncident: round(vendorCalls / INCIDENTS),
    latencyMsP50: round(at(0.5)),
    latencyMsP95: round(at(0.95)),
    cftrIncidents: created,
    linkedIndicators: linked,
  };
}

function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}



function round(value: number): number {
  return Math.round(value * 100) / 100;
}
