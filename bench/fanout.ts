import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiTokens } from '../src/auth/api-tokens.js';
import { openDatabase } from '../src/db/open-database.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { testDatabase } from '../test/support/database.js';
import { hubNodeArgs } from './hub-node-args.js';
import { startProcess, stopProcess } from './child-process.js';

/**
 * fanout: FANOUT_SUBSCRIBERS (1,000) graphql-ws subscribers of `syncEvents` in FANOUT_PROCESSES (4) client
 * processes, events published through the API (`updateSource`, one SOURCE_UPDATED event each) at FANOUT_RATE
 * (200/s) for FANOUT_SECONDS (20): one replica (subscribers and publishes on A), two replicas (subscribers on B,
 * publishes on A, one database), and the floor: a bare `ws` server sending the same payloads to the same clients.
 * Reports delivered %, latency p50/p99 (arrival − the event's `at`), the fan-out hub's event-loop lag p99
 * (prom-client's monitorEventLoopDelay at 10 ms resolution: an idle loop reads ~10 ms), sockets dropped, and
 * the publish call's p50/p99, CPU per event and the hub's memory through the run. FANOUT_PHASES (floor,baseline,one,two)
 * picks phases; the soak is FANOUT_PHASES=one FANOUT_SECONDS=1800 (memory slope in the report). Each phase first
 * publishes for FANOUT_WARMUP_SECONDS (5) at the same rate, uncounted (sockets dropped then still count).
 */
const SUBSCRIBERS = Number(process.env.FANOUT_SUBSCRIBERS ?? 1000);
const PROCESSES = Number(process.env.FANOUT_PROCESSES ?? 4);
const RATE = Number(process.env.FANOUT_RATE ?? 200);
const SECONDS = Number(process.env.FANOUT_SECONDS ?? 20);
/** Events published (at RATE) before each phase's measured part, not counted: JIT, pools and caches warm. */
const WARMUP_SECONDS = Number(process.env.FANOUT_WARMUP_SECONDS ?? 5);
const DRAIN_MS = 15_000;
/** Publish calls in flight at most (a client's pool): a hub slower than RATE publishes fewer, reported as published. */
const PUBLISH_CONCURRENCY = Number(process.env.FANOUT_PUBLISH_CONCURRENCY ?? 32);
const QUERY = 'subscription { syncEvents(kinds: [SOURCE_UPDATED]) { cursor kind at message subjectId vendor } }';

type PhaseName = 'floor' | 'baseline' | 'one' | 'two';
/** FANOUT_PHASES (floor,baseline,one,two): which phases run; the soak runs just `one`. */
const PHASES = (process.env.FANOUT_PHASES ?? 'floor,baseline,one,two').split(',') as PhaseName[];
/** How often the fan-out hub's memory is sampled during a phase. */
const MEMORY_SAMPLE_MS = Number(process.env.FANOUT_MEMORY_SAMPLE_MS ?? 10_000);
interface MemorySample { seconds: number; rssMb: number; heapUsedMb: number }

interface Phase { name: string; subscribers: number; publishedPerSecond: number; delivered: number; published: number; p50Ms: number; p99Ms: number; lagP99Ms: number | null; dropped: number;
  repeats: number; publishP50Ms: number | null; publishP99Ms: number | null; publishLagP99Ms: number | null; rssMb: number | null;
  /** CPU time of the process holding the sockets (the floor, or the fan-out hub), per published event. */
  serverCpuMsPerEvent: number | null;
  /** CPU time of the hub taking the publishes when it is not the fan-out hub (two replicas), per event. */
  publishHubCpuMsPerEvent: number | null;
  /** The client processes' CPU over the phase, in % of one core (all of them together). */
  clientsCpuPercent: number;
  /** The fan-out hub's RSS and heap used through the phase. */
  memory: MemorySample[] }

export async function run(): Promise<void> {
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'sg-fanout-pg-')) });
  const database = embedded ? { url: embedded.url, drop: async () => undefined } : await testDatabase('sg_fanout');
  const children: ChildProcess[] = [];
  try {
    const dir = mkdtempSync(join(tmpdir(), 'sg-fanout-'));
    const configFile = join(dir, 'hub.yaml');
    writeFileSync(configFile, JSON.stringify({
      server: { port: 0, host: '127.0.0.1', maxSockets: SUBSCRIBERS + 100, maxSocketsPerToken: SUBSCRIBERS + 100,
        ...(process.env.FANOUT_BATCH_MS ? { fanoutBatchMs: Number(process.env.FANOUT_BATCH_MS) } : {}) },
      jobs: { 'event-retention': { intervalSeconds: 0 } },
      sources: [{ name: 'bench', vendor: 'ABUSEIPDB', baseUrl: 'http://127.0.0.1:9/api/v2', enabled: false, pollIntervalSeconds: 3600,
        credentials: { apiKey: 'BENCH_ABUSEIPDB_KEY' } }],
    }));
    const env = { ...process.env, NODE_OPTIONS: '', HUB_CONFIG: configFile, LOG_LEVEL: 'error', DATABASE_URL: database.url!, BENCH_ABUSEIPDB_KEY: 'bench' };
    const hubA = await startProcess([...hubNodeArgs(), 'dist/src/main.js'], env, /GraphQL \(HTTP \+ graphql-ws\): (\S+)/);
    children.push(hubA.child);
    const hubB = await startProcess([...hubNodeArgs(), 'dist/src/main.js'], env, /GraphQL \(HTTP \+ graphql-ws\): (\S+)/);
    children.push(hubB.child);
    const floor = await startProcess(['dist/bench/fanout/floor-server.js'], { ...process.env, NODE_OPTIONS: '' }, /listening (\S+)/, true);
    children.push(floor.child);

    const dataSource = await openDatabase({ url: database.url!, poolSize: 2 });
    const tokens = new ApiTokens(dataSource);
    const viewer = (await tokens.create('fanout-subscribers', 'VIEWER')).token;
    const admin = (await tokens.create('fanout-publisher', 'ADMIN')).token;
    await dataSource.destroy();
    const sourceId = ((await graphql(hubA.url, admin, '{ sources { id name } }')).data.sources as Array<{ id: string }>)[0].id;

    const phases: Partial<Record<PhaseName, Phase>> = {};
    // Phase order: floor, publish baseline, one replica, two replicas (report() reads them by position).
    const floorCpu = async () => {
      floor.child.send({ type: 'cpu' });
      return ((await onceMessage(floor.child, 'cpu'))[0] as { ms: number }).ms;
    };
    if (PHASES.includes('floor')) phases.floor = (await phase('floor (bare ws)', floor.url, viewer, [], floorCpu, async (seconds) => {
      floor.child.send({ type: 'publish', rate: RATE, seconds });
      const [message] = await onceMessage(floor.child, 'published');
      return { published: (message as { count: number }).count, latencies: [] };
    }));
    if (PHASES.includes('baseline')) phases.baseline = await phase('hub, no subscribers (publish baseline)', wsUrl(hubA.url), viewer, [hubA], null, (seconds) => publishThroughApi(hubA.url, admin, sourceId, seconds), 0);
    if (PHASES.includes('one')) phases.one = await phase('hub, one replica', wsUrl(hubA.url), viewer, [hubA], null, (seconds) => publishThroughApi(hubA.url, admin, sourceId, seconds));
    if (PHASES.includes('two')) phases.two = await phase('hub, two replicas (sub B, pub A)', wsUrl(hubB.url), viewer, [hubB, hubA], null, (seconds) => publishThroughApi(hubA.url, admin, sourceId, seconds));
    report(phases);
  } finally {
    for (const child of children) await stopProcess(child);
    await database.drop();
    await embedded?.close();
  }
}

async function phase(name: string, url: string, token: string, hubs: Array<{ url: string; child: ChildProcess }>,
  serverCpu: (() => Promise<number>) | null, publish: (seconds: number) => Promise<{ published: number; latencies: number[] }>, subscribers = SUBSCRIBERS): Promise<Phase> {
  process.stderr.write(`  ${name}: connecting ${subscribers} subscribers…\n`);
  const clients = Array.from({ length: subscribers > 0 ? PROCESSES : 0 }, (_, i) => fork('dist/bench/fanout/subscribers.js', [], {
    env: { ...process.env, NODE_OPTIONS: '', FANOUT_URL: url, FANOUT_TOKEN: token, FANOUT_QUERY: QUERY,
      FANOUT_SOCKETS: String(Math.floor(SUBSCRIBERS / PROCESSES) + (i < SUBSCRIBERS % PROCESSES ? 1 : 0)) },
  }));
  try {
    await Promise.all(clients.map((c) => onceMessage(c, 'ready')));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stats = async () => Promise.all(clients.map(async (c) => {
      c.send({ type: 'stats' });
      return (await onceMessage(c, 'stats'))[0] as { received: number; repeatsOrDisorder: number; closes: Record<string, number>; latency: Array<[number, number]>; cpuMs: number };
    }));
    if (WARMUP_SECONDS > 0) {
      process.stderr.write(`  ${name}: warming up, ${RATE}/s for ${WARMUP_SECONDS} s (not counted)…\n`);
      const warm = await publish(WARMUP_SECONDS);
      const settled = Date.now() + DRAIN_MS;
      const received = async () => (await stats()).reduce((n, st) => n + st.received, 0);
      while ((await received()) < warm.published * subscribers && Date.now() < settled) await new Promise((resolve) => setTimeout(resolve, 250));
      await Promise.all(clients.map((c) => {
        c.send({ type: 'reset' });
        return onceMessage(c, 'reset');
      }));
    }
    const hubsBefore: Array<{ lag: number; rss: number; cpu: number; heapUsed: number }> = [];
    for (const hub of hubs) hubsBefore.push(await lagP99(hub.url)); // also resets the loop-delay histogram
    const serverCpuBefore = await serverCpu?.();
    process.stderr.write(`  ${name}: publishing ${RATE}/s for ${SECONDS} s…\n`);
    const clientsCpuBefore = (await stats()).reduce((n, s) => n + s.cpuMs, 0);
    const publishStarted = performance.now();
    const memory: MemorySample[] = [];
    const sampler = hubs.length === 0 ? null : setInterval(() => void lagP99(hubs[0].url).then((m) => {
      memory.push({ seconds: (performance.now() - publishStarted) / 1000, rssMb: m.rss, heapUsedMb: m.heapUsed });
    }, () => undefined), MEMORY_SAMPLE_MS);
    const { published, latencies } = await publish(SECONDS).finally(() => clearInterval(sampler ?? undefined));
    const publishedPerSecond = Math.round(published / ((performance.now() - publishStarted) / 1000));
    const deadline = Date.now() + DRAIN_MS;
    let figures = await stats();
    while (figures.reduce((n, s) => n + s.received, 0) < published * subscribers && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      figures = await stats();
    }
    const phaseMs = performance.now() - publishStarted;
    const lags: Array<{ lag: number; rss: number; cpu: number; heapUsed: number }> = [];
    for (const hub of hubs) lags.push(await lagP99(hub.url));
    const serverCpuAfter = await serverCpu?.();
    const perEvent = (ms: number | undefined) => (ms === undefined || !published ? null : Number((ms / published).toFixed(3)));
    const hubCpuMs = (i: number) => (lags[i] ? (lags[i].cpu - hubsBefore[i].cpu) * 1000 : undefined);
    const histogram = new Map<number, number>();
    for (const s of figures) for (const [ms, n] of s.latency) histogram.set(ms, (histogram.get(ms) ?? 0) + n);
    const received = figures.reduce((n, s) => n + s.received, 0);
    const sorted = [...latencies].sort((a, b) => a - b);
    const result: Phase = {
      name, published, publishedPerSecond, subscribers, delivered: published && subscribers ? received / (published * subscribers) : 1,
      p50Ms: percentileOf(histogram, 0.5), p99Ms: percentileOf(histogram, 0.99),
      lagP99Ms: lags[0]?.lag ?? null, publishLagP99Ms: lags[1]?.lag ?? null, rssMb: lags[0]?.rss ?? null,
      dropped: figures.reduce((n, s) => n + Object.values(s.closes).reduce((a, b) => a + b, 0), 0),
      repeats: figures.reduce((n, s) => n + s.repeatsOrDisorder, 0),
      serverCpuMsPerEvent: perEvent(serverCpuAfter !== undefined ? serverCpuAfter - serverCpuBefore! : hubCpuMs(0)),
      publishHubCpuMsPerEvent: perEvent(hubCpuMs(1)),
      memory,
      clientsCpuPercent: Math.round(((figures.reduce((n, s) => n + s.cpuMs, 0) - clientsCpuBefore) / phaseMs) * 100),
      publishP50Ms: sorted.length ? sorted[Math.floor(sorted.length * 0.5)] : null,
      publishP99Ms: sorted.length ? sorted[Math.floor(sorted.length * 0.99)] : null,
    };
    process.stderr.write(`  ${name}: ${JSON.stringify(result)}\n`);
    return result;
  } finally {
    for (const client of clients) {
      client.send({ type: 'exit' });
      await new Promise((resolve) => client.once('exit', resolve));
    }
  }
}

/** updateSource at RATE/s for `seconds` (one SOURCE_UPDATED event each); the calls' latencies. */
async function publishThroughApi(url: string, token: string, sourceId: string, seconds: number): Promise<{ published: number; latencies: number[] }> {
  const total = Math.round(RATE * seconds);
  const deadline = performance.now() + seconds * 1000 + 5_000;
  const latencies: number[] = [];
  const calls: Array<Promise<void>> = [];
  let published = 0;
  let failed = 0;
  let inFlight = 0;
  const started = performance.now();
  for (let sent = 0; sent < total && performance.now() < deadline;) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
    for (; sent < due && inFlight < PUBLISH_CONCURRENCY; sent++) {
      const at = performance.now();
      inFlight++;
      calls.push(graphql(url, token, 'mutation($id: ID!, $s: Int) { updateSource(input: { sourceId: $id, pollIntervalSeconds: $s }) { id } }',
        { id: sourceId, s: 3600 + (sent % 2) }).then((body) => {
        if (!body.errors) published++;
        else if (failed++ === 0) process.stderr.write(`  publish failed: ${JSON.stringify(body.errors).slice(0, 300)}\n`);
        latencies.push(performance.now() - at);
      }).finally(() => {
        inFlight--;
      }));
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(calls);
  return { published, latencies };
}

function report(phases: Partial<Record<PhaseName, Phase>>): void {
  const ms = (v: number | null) => (v === null ? '—' : `${v.toFixed(0)} ms`);
  const rows = Object.values(phases).map((p) => `| ${p.name} | ${(p.delivered * 100).toFixed(2)} % of ${p.published} × ${p.subscribers} (${p.publishedPerSecond}/s) | ${ms(p.p50Ms)} / ${ms(p.p99Ms)} | ${ms(p.lagP99Ms)} | ${p.dropped} | ${p.repeats} | ${ms(p.publishP50Ms)} / ${ms(p.publishP99Ms)} | ${p.rssMb ?? '—'} | ${p.serverCpuMsPerEvent ?? '—'}${p.publishHubCpuMsPerEvent === null ? '' : ` (A: ${p.publishHubCpuMsPerEvent})`} | ${p.clientsCpuPercent} % |`);
  process.stdout.write([
    `fanout: ${SUBSCRIBERS} subscribers in ${PROCESSES} processes, ${RATE} events/s for ${SECONDS} s (after ${WARMUP_SECONDS} s not counted)`,
    '| run | delivered | latency p50 / p99 | fan-out hub loop lag p99 | sockets dropped | repeats | publish call p50 / p99 | hub RSS MB | server CPU ms / event | clients CPU |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n');
  for (const p of Object.values(phases)) {
    if (p.memory.length >= 4) process.stdout.write(`${p.name}: hub memory over the run (RSS / heap used, MB, slope per 10 min after the first quarter): ${memorySummary(p.memory)}\n`);
  }
  const { floor, baseline, one, two } = phases;
  const both = <T>(f: (p: Phase) => T) => ({ oneReplica: one ? f(one) : null, twoReplicas: two ? f(two) : null });
  process.stdout.write(`${JSON.stringify({
    bench: 'fanout', subscribers: SUBSCRIBERS, processes: PROCESSES, rate: RATE, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, phases,
    p99VsFloor: floor ? both((p) => Number((p.p99Ms / Math.max(1, floor.p99Ms)).toFixed(2))) : null,
    cpuPerEventVsFloor: floor ? both((p) => Number(((p.serverCpuMsPerEvent ?? 0) / Math.max(0.001, floor.serverCpuMsPerEvent ?? 1)).toFixed(2))) : null,
    publishP99VsNoSubscribers: baseline ? both((p) => Number(((p.publishP99Ms ?? 0) / Math.max(1, baseline.publishP99Ms ?? 1)).toFixed(2))) : null,
    memorySlopeMbPer10Min: both((p) => (p.memory.length >= 4 ? memorySlopes(p.memory) : null)),
  })}\n`);
}

/** Least-squares slopes (MB per 10 min) of RSS and heap used over the samples after the first quarter (warm-up). */
function memorySlopes(samples: MemorySample[]): { rss: number; heapUsed: number } {
  const tail = samples.slice(Math.floor(samples.length / 4));
  const slope = (value: (s: MemorySample) => number) => {
    const n = tail.length;
    const mt = tail.reduce((a, s) => a + s.seconds, 0) / n;
    const mv = tail.reduce((a, s) => a + value(s), 0) / n;
    const num = tail.reduce((a, s) => a + (s.seconds - mt) * (value(s) - mv), 0);
    const den = tail.reduce((a, s) => a + (s.seconds - mt) ** 2, 0);
    return Number(((num / Math.max(1e-9, den)) * 600).toFixed(1));
  };
  return { rss: slope((s) => s.rssMb), heapUsed: slope((s) => s.heapUsedMb) };
}

function memorySummary(samples: MemorySample[]): string {
  const pick = [0, Math.floor(samples.length / 4), Math.floor(samples.length / 2), Math.floor((samples.length * 3) / 4), samples.length - 1];
  const points = pick.map((i) => `${Math.round(samples[i].seconds)} s ${samples[i].rssMb} / ${samples[i].heapUsedMb}`).join(', ');
  const slopes = memorySlopes(samples);
  return `${points}; slope RSS ${slopes.rss} MB, heap used ${slopes.heapUsed} MB per 10 min`;
}

function percentileOf(histogram: Map<number, number>, q: number): number {
  const total = [...histogram.values()].reduce((a, b) => a + b, 0);
  let seen = 0;
  for (const ms of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(ms)!;
    if (seen >= total * q) return ms;
  }
  return 0;
}

async function lagP99(graphqlUrl: string): Promise<{ lag: number; rss: number; cpu: number; heapUsed: number }> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  const value = (name: string) => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? NaN);
  return { lag: value('socgraph_nodejs_eventloop_lag_p99_seconds') * 1000, rss: Math.round(value('socgraph_process_resident_memory_bytes') / 2 ** 20),
    cpu: value('socgraph_process_cpu_seconds_total'), heapUsed: Math.round(value('socgraph_nodejs_heap_size_used_bytes') / 2 ** 20) };
}

async function graphql(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return await response.json() as never;
}

const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

function onceMessage(child: ChildProcess, type: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve([message]);
    };
    const onExit = (code: number | null) => reject(new Error(`a bench process exited (${code}) before '${type}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

