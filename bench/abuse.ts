import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery } from 'graphql';
import { startAbuseHub, type AbuseHub } from '../test/support/hostile/abuse-hub.js';
import { hubNodeArgs } from './hub-node-args.js';
import { generateHostileRequests, problemsIn, sendHostile, type Answer } from '../test/support/hostile/requests.js';

/**
 * abuse: a normal dashboard client (a VIEWER token of its own, polling one dashboard query, one request at a time, in a
 * process of its own: bench/abuse/dashboard-client.ts) against the hub
 * as `npm start` runs it (own process, 192 MB heap): first alone, then beside the abuse suite's hostile mix
 * (seeded), with BENCH_ABUSE_CONCURRENCY hostile requests in flight (default 2,4,8: one phase each). Reports the
 * client's p50/p99 in each phase and their ratio to alone (target: p99 within 3×), the hostile answers by status, and the hub's peak heap (sampled from /metrics)
 * and peak RSS (VmHWM). BENCH_ABUSE_SECONDS per phase (default 10), each after BENCH_ABUSE_WARMUP_SECONDS (2) of the
 * mix that are not measured. For finding what slows the client:
 * BENCH_ABUSE_KINDS, a regular expression over the hostile requests' kinds (`^http:`, `ws:subscribe`…), runs part
 * of the mix; BENCH_ABUSE_QUERY replaces the dashboard query.
 */
const SECONDS = Number(process.env.BENCH_ABUSE_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_ABUSE_WARMUP_SECONDS ?? 2);
const CONCURRENCY = (process.env.BENCH_ABUSE_CONCURRENCY ?? '2,4,8').split(',').map(Number);
const SEED = Number(process.env.ABUSE_SEED ?? 20261205);
const DASHBOARD = `query Dashboard {
  viewer { name role }
  sources { name vendor health { status } }
  tickets(first: 20) { totalCount nodes { id externalId title status priority } }
  incidents(first: 10) { totalCount nodes { id title } }
  jobs { name }
}`;

export async function run(): Promise<void> {
  const abuse = await startAbuseHub({ logLevel: 'warn', nodeArgs: hubNodeArgs() });
  const client = fork(new URL('./abuse/dashboard-client.js', import.meta.url), [], {
    env: { ...process.env, DASHBOARD_URL: abuse.url, DASHBOARD_TOKEN: abuse.tokens.DASHBOARD, DASHBOARD_QUERY: process.env.BENCH_ABUSE_QUERY ?? DASHBOARD },
  });
  let peakHeapBytes = 0;
  const sampler = setInterval(() => void sampleHeap(abuse).then((bytes) => { peakHeapBytes = Math.max(peakHeapBytes, bytes); }), 250);
  try {
    await askClient(client, 2); // warm-up
    const alone = stats(await askClient(client, SECONDS));
    process.stderr.write(`  alone: ${alone.requests} dashboard requests\n`);
    const schema = buildClientSchema(((await (await post(abuse, abuse.tokens.ADMIN, getIntrospectionQuery())).json()) as { data: never }).data);
    const kinds = process.env.BENCH_ABUSE_KINDS ? new RegExp(process.env.BENCH_ABUSE_KINDS) : null;
    const requests = generateHostileRequests(schema, SEED, 3_000).filter((r) => !r.http?.slow && (!kinds || kinds.test(r.kind)));
    const levels = [];
    const statuses: Record<string, number> = {};
    let hostileTotal = 0;
    let problems = 0;
    for (const concurrency of CONCURRENCY) {
      const answers: Answer[] = [];
      let stop = false;
      let next = 0;
      const attackers = Array.from({ length: concurrency }, async () => {
        while (!stop) answers.push(await sendHostile(requests[next++ % requests.length]!, abuse));
      });
      // The hub meets the mix for WARMUP seconds before the client is measured beside it (as the client itself warms
      // up before it is measured alone): the first second of a mix is spent compiling its code paths.
      await new Promise((resolve) => setTimeout(resolve, WARMUP * 1_000));
      const from = answers.length;
      const beside = stats(await askClient(client, SECONDS));
      const measured = answers.length - from;
      stop = true;
      await Promise.all(attackers);
      for (const a of answers) {
        const key = a.clientError ? 'client-error' : a.status !== undefined ? String(a.status) : 'ws';
        statuses[key] = (statuses[key] ?? 0) + 1;
        if (problemsIn(a, abuse.canary).length > 0) problems += 1;
      }
      hostileTotal += answers.length;
      levels.push({ hostileInFlight: concurrency, hostilePerSecond: round(measured / SECONDS), ...beside, p50Ratio: round(beside.p50Ms / alone.p50Ms), p99Ratio: round(beside.p99Ms / alone.p99Ms) });
      process.stderr.write(`  beside ${concurrency} hostile in flight: ${beside.requests} dashboard requests, ${answers.length} hostile\n`);
    }
    const alive = abuse.hub.child.exitCode === null && (await fetch(abuse.url.replace('/graphql', '/healthz'))).ok;
    const figures = {
      bench: 'abuse',
      seconds: SECONDS,
      warmupSeconds: WARMUP,
      alone,
      beside: levels,
      targetP99Ratio: 3,
      hostileRequests: hostileTotal,
      hostileStatuses: statuses,
      hostileProblems: problems,
      peakHeapUsedMb: round(peakHeapBytes / 1_048_576),
      peakRssMb: peakRssMb(abuse),
      heapLimitMb: Number(process.env.SOCGRAPH_HEAP_MB ?? 192),
      hubAlive: alive,
    };
    console.log(`abuse: a dashboard client's latency alone, then beside N hostile requests in flight (${SECONDS} s each after ${WARMUP} s of warm-up; npm-start hub, ${figures.heapLimitMb} MB heap)\n`);
    console.log('phase                     requests   p50 ms   p99 ms   max ms   hostile/s   p50 ×   p99 ×');
    console.log(`${'alone'.padEnd(24)} ${String(alone.requests).padStart(9)} ${String(alone.p50Ms).padStart(8)} ${String(alone.p99Ms).padStart(8)} ${String(alone.maxMs).padStart(8)}`);
    for (const l of levels) {
      console.log(`${`beside ${l.hostileInFlight} hostile`.padEnd(24)} ${String(l.requests).padStart(9)} ${String(l.p50Ms).padStart(8)} ${String(l.p99Ms).padStart(8)} ${String(l.maxMs).padStart(8)} ${String(l.hostilePerSecond).padStart(11)} ${String(l.p50Ratio).padStart(7)} ${String(l.p99Ratio).padStart(7)}`);
    }
    console.log(`\ntarget: p99 within 3× of alone; hostile answers ${JSON.stringify(statuses)}, problems ${problems}`);
    console.log(`hub: peak heap used ${figures.peakHeapUsedMb} MB, peak RSS ${figures.peakRssMb} MB (includes the embedded database), alive ${alive}`);
    console.log(JSON.stringify(figures));
  } finally {
    clearInterval(sampler);
    client.disconnect();
    await abuse.stop();
  }
}

function post(abuse: AbuseHub, token: string, query: string) {
  return fetch(abuse.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
}

/** The dashboard query, one at a time, for `seconds`, sent by the client process: each latency in ms (a failed answer throws). */
function askClient(client: ChildProcess, seconds: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.once('message', (answer: { latencies?: number[]; error?: string }) => (answer.latencies ? resolve(answer.latencies) : reject(new Error(answer.error))));
    client.send({ seconds });
  });
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
