import { readFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery } from 'graphql';
import pLimit from 'p-limit';
import { startAbuseHub, type AbuseHub } from '../test/support/hostile/abuse-hub.js';
import { generateHostileRequests, problemsIn, sendHostile, type Answer } from '../test/support/hostile/requests.js';

/**
 * abuse: a normal dashboard client (a VIEWER polling one dashboard query, one request at a time) against the hub
 * as `npm start` runs it (own process, 192 MB heap): first alone, then beside the abuse suite's hostile mix
 * (seeded; BENCH_ABUSE_CONCURRENCY in flight, default 8). Reports the client's p50/p99 in both phases and their
 * ratio (target: p99 within 3×), the hostile answers by status, and the hub's peak heap (sampled from /metrics)
 * and peak RSS (VmHWM). BENCH_ABUSE_SECONDS per phase (default 15).
 */
const SECONDS = Number(process.env.BENCH_ABUSE_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_ABUSE_CONCURRENCY ?? 8);
const SEED = Number(process.env.ABUSE_SEED ?? 20261205);
const DASHBOARD = `query Dashboard {
  viewer { name role }
  sources { name vendor health { status } }
  tickets(first: 20) { totalCount nodes { id externalId title status priority } }
  incidents(first: 10) { totalCount nodes { id title } }
  jobs { name }
}`;

export async function run(): Promise<void> {
  const abuse = await startAbuseHub({ logLevel: 'warn' });
  let peakHeapBytes = 0;
  const sampler = setInterval(() => void sampleHeap(abuse).then((bytes) => { peakHeapBytes = Math.max(peakHeapBytes, bytes); }), 250);
  try {
    await dashboard(abuse, 2); // warm-up
    const alone = await dashboard(abuse, SECONDS);
    process.stderr.write(`  alone: ${alone.length} dashboard requests\n`);

    const schema = buildClientSchema(((await (await post(abuse, abuse.tokens.ADMIN, getIntrospectionQuery())).json()) as { data: never }).data);
    const requests = generateHostileRequests(schema, SEED, 3_000).filter((r) => !r.http?.slow);
    const limit = pLimit(CONCURRENCY);
    const answers: Answer[] = [];
    let stop = false;
    let next = 0;
    const attackers = Array.from({ length: CONCURRENCY }, () => limit(async () => {
      while (!stop) answers.push(await sendHostile(requests[next++ % requests.length]!, abuse));
    }));
    const beside = await dashboard(abuse, SECONDS);
    stop = true;
    await Promise.all(attackers);
    process.stderr.write(`  beside the hostile mix: ${beside.length} dashboard requests, ${answers.length} hostile\n`);

    const alive = abuse.hub.child.exitCode === null && (await fetch(abuse.url.replace('/graphql', '/healthz'))).ok;
    const statuses: Record<string, number> = {};
    for (const a of answers) {
      const key = a.clientError ? 'client-error' : a.status !== undefined ? String(a.status) : 'ws';
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    const problems = answers.filter((a) => problemsIn(a, abuse.canary).length > 0).length;
    const a = stats(alone);
    const b = stats(beside);
    const figures = {
      bench: 'abuse',
      seconds: SECONDS,
      hostileConcurrency: CONCURRENCY,
      alone: a,
      besideHostile: b,
      p99Ratio: round(b.p99Ms / a.p99Ms),
      p50Ratio: round(b.p50Ms / a.p50Ms),
      targetP99Ratio: 3,
      hostileRequests: answers.length,
      hostilePerSecond: round(answers.length / SECONDS),
      hostileStatuses: statuses,
      hostileProblems: problems,
      peakHeapUsedMb: round(peakHeapBytes / 1_048_576),
      peakRssMb: peakRssMb(abuse),
      heapLimitMb: Number(process.env.SOCGRAPH_HEAP_MB ?? 192),
      hubAlive: alive,
    };
    console.log(`abuse: a dashboard client's latency alone, then beside ${CONCURRENCY} hostile requests in flight (${SECONDS} s each; npm-start hub, ${figures.heapLimitMb} MB heap)\n`);
    console.log('phase                 requests   p50 ms   p99 ms   max ms');
    for (const [name, s] of [['alone', a], ['beside hostile mix', b]] as const) {
      console.log(`${name.padEnd(20)} ${String(s.requests).padStart(9)} ${String(s.p50Ms).padStart(8)} ${String(s.p99Ms).padStart(8)} ${String(s.maxMs).padStart(8)}`);
    }
    console.log(`\np99 ratio ${figures.p99Ratio}× (target ≤ 3×), p50 ratio ${figures.p50Ratio}×`);
    console.log(`hostile: ${answers.length} requests (${figures.hostilePerSecond}/s), statuses ${JSON.stringify(statuses)}, problems ${problems}`);
    console.log(`hub: peak heap used ${figures.peakHeapUsedMb} MB, peak RSS ${figures.peakRssMb} MB, alive ${alive}`);
    console.log(JSON.stringify(figures));
  } finally {
    clearInterval(sampler);
    await abuse.stop();
  }
}

function post(abuse: AbuseHub, token: string, query: string) {
  return fetch(abuse.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
}

/** The dashboard query, one at a time, for `seconds`: each latency in ms (a failed answer throws). */
async function dashboard(abuse: AbuseHub, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1_000;
  while (performance.now() < end) {
    const started = performance.now();
    const response = await post(abuse, abuse.tokens.VIEWER, DASHBOARD);
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    if (!response.ok || body.errors) throw new Error(`dashboard query failed: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function sampleHeap(abuse: AbuseHub): Promise<number> {
  try {
    const text = await (await fetch(abuse.url.replace('/graphql', '/metrics'), { signal: AbortSignal.timeout(2_000) })).text();
    return Number(/^socgraph_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function peakRssMb(abuse: AbuseHub): number | null {
  try {
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${abuse.hub.child.pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? round(kb / 1024) : null;
  } catch {
    return null;
  }
}

function stats(latencies: number[]) {
  const sorted = [...latencies].sort((x, y) => x - y);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
  return { requests: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: round(sorted.at(-1) ?? NaN) };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
