import type { ChildProcess } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ApiTokens } from '../src/auth/api-tokens.js';
import { openDatabase } from '../src/db/open-database.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { startSandbox } from '../src/sandbox/kit/index.js';
import { createIbmResilientSandbox } from '../src/sandbox/ibm-resilient/index.js';
import { createSecureworksCtpSandbox } from '../src/sandbox/secureworks-ctp/index.js';
import { testDatabase } from '../test/support/database.js';
import { control } from '../test/support/sandbox-control.js';
import { hubNodeArgs } from './hub-node-args.js';
import { fetchJson, load, median, type LoadFigures, type Target } from './read/load.js';
import { seedIndicators } from './read/seed-indicators.js';
import { canonical, hubQuery, pgToHub, postgraphileQuery, type ShapeName } from './read/shapes.js';
import { startProcess, stopProcess } from './child-process.js';

/**
 * read: nested dashboard reads ("Dash": incidents(first: 50) with tickets, worklogs, attachments, notes, indicators,
 * enrichments, source; "Tix": tickets(first: 100) with worklogs, attachments, incidents) from the hub (its own process,
 * as `npm start` runs it), the floor (one hand-written SQL statement per answer, bare node:http) and PostGraphile 4.14,
 * all on the same database, answers deep-equal. BENCH_READ_TICKETS (default 5000) CTP tickets are synced through the
 * product first; BENCH_READ_SECONDS (10) × BENCH_READ_ROUNDS (3) interleaved runs per cell, medians reported.
 */
const TICKETS = Number(process.env.BENCH_READ_TICKETS ?? 5000);
const SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_READ_ROUNDS ?? 3);
const SHAPES: Array<{ shape: ShapeName; first: number }> = [{ shape: 'Dash', first: 50 }, { shape: 'Tix', first: 100 }];
const CONCURRENCIES = [1, 16];
const SERVERS = ['hub', 'floor', 'postgraphile'] as const;
type ServerName = typeof SERVERS[number];

export async function run(): Promise<void> {
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'sg-read-db-')) });
  const created = embedded ? { url: embedded.url, drop: async () => undefined } : await testDatabase('sg_read');
  // BENCH_READ_KEEP_DATABASE=1 leaves a server database in place (its URL on stderr), for profiling runs against it.
  const database = process.env.BENCH_READ_KEEP_DATABASE ? { url: created.url, drop: async () => void process.stderr.write(`  kept ${created.url}\n`) } : created;
  const databaseUrl = database.url!;
  const ctp = await startSandbox(createSecureworksCtpSandbox());
  const soar = await startSandbox(createIbmResilientSandbox(), { tls: true });
  const children: ChildProcess[] = [];
  try {
    const dir = mkdtempSync(join(tmpdir(), 'sg-read-'));
    const config = (syncing: boolean) => {
      const file = join(dir, `hub-${syncing ? 'sync' : 'read'}.yaml`);
      writeFileSync(file, JSON.stringify({
        server: { port: 0, host: '127.0.0.1', maxCost: 1_000_000 },
        jobs: { 'ctp-resilient-sync': { intervalSeconds: syncing ? 1 : 0 }, 'event-retention': { intervalSeconds: 0 } },
        sources: [
          { name: 'ctp', vendor: 'SECUREWORKS_CTP', baseUrl: ctp.apiUrl, credentials: { username: 'BENCH_CTP_USER', password: 'BENCH_CTP_PASSWORD' },
            settings: { queryLimit: 100, concurrency: 8 } },
          { name: 'soar', vendor: 'IBM_RESILIENT', baseUrl: soar.apiUrl, tlsVerify: false, credentials: { apiKeyId: 'BENCH_SOAR_ID', apiKeySecret: 'BENCH_SOAR_SECRET' } },
        ],
      }));
      return file;
    };
    const hubEnv = (file: string) => ({
      ...process.env, NODE_OPTIONS: '', HUB_CONFIG: file, LOG_LEVEL: 'error', DATABASE_URL: databaseUrl,
      BENCH_CTP_USER: ctp.credentials.username, BENCH_CTP_PASSWORD: ctp.credentials.password,
      BENCH_SOAR_ID: soar.credentials.apiKeyId, BENCH_SOAR_SECRET: soar.credentials.apiKeySecret,
    });

    // 1. Tickets synced through the product (CTP → hub → Resilient), then indicators with enrichments on the incidents.
    await control(ctp, 'POST', '/seed', { count: TICKETS, worklogsPerTicket: 3, attachmentsPerTicket: 1, attachmentBytes: 256 });
    const syncer = await startProcess([...hubNodeArgs(), 'dist/src/main.js'], hubEnv(config(true)), /GraphQL \(HTTP \+ graphql-ws\): (\S+)/);
    const syncStarted = performance.now();
    for (;;) {
      const summary = await control(ctp, 'GET', '/summary');
      if (summary.inFeed === 0) break;
      await sleep(250);
    }
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    await stopProcess(syncer.child);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const seeded = await seedIndicators(admin);
    await admin.end();
    process.stderr.write(`  synced ${TICKETS} tickets in ${syncSeconds.toFixed(0)} s; ${JSON.stringify(seeded)}\n`);

    // 2. The three servers on the same tables.
    const dataSource = await openDatabase({ url: databaseUrl, poolSize: 2 });
    const { token } = await new ApiTokens(dataSource).create('read-bench', 'VIEWER');
    await dataSource.destroy();
    const peerEnv = { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '', DATABASE_URL: databaseUrl };
    const hub = await startProcess([...hubNodeArgs(), 'dist/src/main.js'], hubEnv(config(false)), /GraphQL \(HTTP \+ graphql-ws\): (\S+)/);
    const floor = await startProcess(['dist/bench/read/peer-server.js', 'floor'], peerEnv, /listening (\S+)/);
    const peer = await startProcess(['dist/bench/read/peer-server.js', 'postgraphile'], peerEnv, /listening (\S+)/);
    children.push(hub.child, floor.child, peer.child);
    const hubUrl = new URL(hub.url);
    const pids: Record<ServerName, number> = { hub: hub.child.pid!, floor: floor.child.pid!, postgraphile: peer.child.pid! };
    const target = (server: ServerName, shape: ShapeName, first: number): Target => {
      const json = { 'content-type': 'application/json' };
      if (server === 'hub') return { url: hubUrl.origin, path: hubUrl.pathname, headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ query: hubQuery(shape, first) }) };
      if (server === 'floor') return { url: floor.url, path: '/read', headers: json, body: JSON.stringify({ shape, first }) };
      return { url: peer.url, path: '/graphql', headers: json, body: JSON.stringify({ query: postgraphileQuery(shape, first) }) };
    };

    // 3. Same answers.
    const equal: Record<string, boolean> = {};
    const sizes: Record<string, number> = {};
    for (const { shape, first } of SHAPES) {
      const hubAnswer = canonical((await fetchJson(target('hub', shape, first))).data);
      const floorAnswer = canonical((await fetchJson(target('floor', shape, first))).data);
      const peerAnswer = canonical(pgToHub(shape, (await fetchJson(target('postgraphile', shape, first))).data));
      equal[shape] = isDeepStrictEqual(hubAnswer, floorAnswer) && isDeepStrictEqual(hubAnswer, peerAnswer);
      sizes[shape] = Buffer.byteLength(JSON.stringify(hubAnswer));
      if (!equal[shape]) {
        const dump = join(dir, `${shape}.json`);
        writeFileSync(dump, JSON.stringify({ hub: hubAnswer, floor: floorAnswer, postgraphile: peerAnswer }, null, 1));
        process.stderr.write(`  ${shape}: answers differ (hub = floor: ${isDeepStrictEqual(hubAnswer, floorAnswer)}, hub = PostGraphile: ${isDeepStrictEqual(hubAnswer, peerAnswer)}); see ${dump}\n`);
      }
    }

    // 4. Statements per hub request vs first (the hub pool's counter, jobs idle).
    const statements: Record<string, number> = {};
    for (const { shape } of SHAPES) {
      for (const first of [5, 50]) statements[`${shape}@${first}`] = await statementsPerRequest(hubUrl.origin, target('hub', shape, first));
    }

    // 5. Load, interleaved: every round runs every cell once.
    const samples = new Map<string, LoadFigures[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const { shape, first } of SHAPES) {
        for (const c of CONCURRENCIES) {
          for (const server of SERVERS) {
            const figures = await load(target(server, shape, first), c, SECONDS, pids[server]);
            const key = `${shape}|${c}|${server}`;
            samples.set(key, [...(samples.get(key) ?? []), figures]);
            process.stderr.write(`  round ${round + 1}/${ROUNDS} ${key}: ${figures.reqPerSecond.toFixed(1)} req/s, p50 ${figures.p50Ms.toFixed(1)} ms, CPU ${figures.cpuMsPerRequest.toFixed(1)} ms/req\n`);
          }
        }
      }
    }
    report(samples, equal, sizes, statements, syncSeconds, seeded, Boolean(embedded));
  } finally {
    for (const child of children) await stopProcess(child);
    await ctp.close();
    await soar.close();
    await database.drop();
    await embedded?.close();
  }
}

function report(samples: Map<string, LoadFigures[]>, equal: Record<string, boolean>, sizes: Record<string, number>, statements: Record<string, number>,
  syncSeconds: number, seeded: object, embedded: boolean): void {
  const cell = (key: string) => {
    const runs = samples.get(key)!;
    return {
      reqPerSecond: Number(median(runs.map((r) => r.reqPerSecond)).toFixed(1)),
      p50Ms: Number(median(runs.map((r) => r.p50Ms)).toFixed(1)),
      cpuMsPerRequest: Number(median(runs.map((r) => r.cpuMsPerRequest)).toFixed(1)),
    };
  };
  const figures: Record<string, unknown> = {};
  const lines: string[] = [];
  for (const { shape, first } of SHAPES) {
    for (const c of CONCURRENCIES) {
      const [hub, floor, peer] = SERVERS.map((s) => cell(`${shape}|${c}|${s}`)) as [ReturnType<typeof cell>, ReturnType<typeof cell>, ReturnType<typeof cell>];
      const ratios = { p50VsFloor: Number((hub.p50Ms / floor.p50Ms).toFixed(2)), reqPerSecondVsPostgraphile: Number((hub.reqPerSecond / peer.reqPerSecond).toFixed(2)) };
      figures[`${shape}_c${c}`] = { first, hub, floor, postgraphile: peer, ...ratios };
      const show = (f: ReturnType<typeof cell>) => `${f.reqPerSecond.toFixed(0)} · ${f.p50Ms.toFixed(1)} · ${f.cpuMsPerRequest.toFixed(1)}`;
      lines.push(`${`${shape}, c=${c}`.padEnd(12)}${show(hub).padStart(24)}${show(floor).padStart(24)}${show(peer).padStart(24)}${`${ratios.p50VsFloor} ×`.padStart(12)}${`${ratios.reqPerSecondVsPostgraphile} ×`.padStart(14)}`);
    }
  }
  process.stdout.write(`\nread: ${TICKETS} tickets synced through the hub, database ${embedded ? 'embedded PostgreSQL (started by the bench)' : 'PostgreSQL server'}, ${ROUNDS} × ${SECONDS} s interleaved, medians; each server: req/s · p50 ms · CPU ms per request\n\n`);
  process.stdout.write(`${'query, c'.padEnd(12)}${'hub'.padStart(24)}${'floor'.padStart(24)}${'PostGraphile'.padStart(24)}${'p50/floor'.padStart(12)}${'req/s vs PG'.padStart(14)}\n`);
  for (const line of lines) process.stdout.write(`${line}\n`);
  process.stdout.write(`\nanswers deep-equal (hub = floor = PostGraphile): ${Object.entries(equal).map(([k, v]) => `${k} ${v}`).join(', ')}; sizes ${JSON.stringify(sizes)} bytes\n`);
  process.stdout.write(`hub statements per request: ${Object.entries(statements).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  process.stdout.write(`targets: hub p50 ≤ 1.5 × floor at c=1, ≤ 2 × at c=16; hub req/s ≥ PostGraphile's; statements constant in first\n`);
  process.stdout.write(`${JSON.stringify({ bench: 'read', tickets: TICKETS, syncSeconds: Number(syncSeconds.toFixed(1)), seeded, database: embedded ? 'embedded' : 'server', seconds: SECONDS, rounds: ROUNDS, equal, sizes, statements, ...figures })}\n`);
}

/** Statements one request sends: the fewest over 10 single requests (anything else the hub does meanwhile only adds). */
async function statementsPerRequest(origin: string, target: Target): Promise<number> {
  const counter = async () => {
    const text = await (await fetch(`${origin}/metrics`)).text();
    return Number(/^socgraph_db_statements_total (\d+)/m.exec(text)?.[1] ?? NaN);
  };
  await fetchJson(target); // warm
  let fewest = Infinity;
  for (let i = 0; i < 10; i++) {
    const before = await counter();
    await fetchJson(target);
    fewest = Math.min(fewest, await counter() - before);
  }
  return fewest;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
