import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ky from 'ky';
import { request } from 'undici';
import { SECUREWORKS_CTP } from '../src/sources/secureworks-ctp/vendor-id.js';
import { SourceHealthTracker } from '../src/sources/health/source-health.js';
import { createSecureworksCtpClient } from '../src/sources/secureworks-ctp/client.js';
import { ctpTicket } from '../src/sources/secureworks-ctp/wire.js';
import type { ServerMessage, ServerReady } from './http-client-server.js';

/**
 * http-client: the cost of one vendor call through the hub's client (VendorHttp, on undici's request()) against
 * ky (the guide's HTTP client: Request objects, fetch, web streams) and a floor (bare undici request() +
 * JSON.parse), all in the same run against the Secureworks CTP sandbox, which runs in a child process
 * (bench/http-client-server.ts) so that this process's CPU is the clients' only. Every call is
 * `GET /tickets/{id}` (a ticket with 3 worklogs, about 2 KB of JSON), round-robin over the seeded tickets.
 *  - VendorHttp: the hub's own CTP client (createSecureworksCtpClient().getTicket(): VendorHttp.json with the
 *    ctpTicket zod schema, the hub's retry, timeout, metrics and source-health work);
 *  - ky: ky.create with the same prefixUrl, timeout and retry policy, the auth header set in hooks.beforeRequest,
 *    `.json()` and the same zod parse (no metrics or health: if anything, this favours ky);
 *  - floor: undici request() + JSON.parse, no retries, no schema.
 * Each round runs every variant once, the order rotated round by round after a warm-up; medians are reported.
 * BENCH_CALLS (default 20,000 a run), BENCH_CONCURRENCY (default 8), BENCH_ROUNDS (default 3), BENCH_WARMUP
 * (default 2,000 calls per variant).
 */
const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000);
const TIMEOUT_MS = 30_000; // the hub's default source timeout
const VARIANTS = ['VendorHttp', 'ky', 'floor'] as const;
type VariantName = (typeof VARIANTS)[number];
type Call = (ticketId: string) => Promise<{ ticketId: string }>;

interface RunFigures {
  callsPerSecond: number;
  /** CPU (user + system) of this process, i.e. the client's, per call. */
  clientCpuUsPerCall: number;
  /** CPU of the sandbox process per call (the same work whichever client calls: a sanity check). */
  serverCpuUsPerCall: number;
}

export async function run(): Promise<void> {
  const server = await startServer();
  try {
    const calls = buildCalls(server.ready);
    const ids = server.ready.ticketIds;
    const sample = await sampleTicket(server.ready);
    for (const name of VARIANTS) await drive(WARMUP, ids, calls[name]);

    const runs: Record<VariantName, RunFigures[]> = { VendorHttp: [], ky: [], floor: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
      for (const name of order) runs[name].push(await measure(server, ids, calls[name]));
      process.stderr.write(`  round ${round + 1}/${ROUNDS} done (${order.join(', ')})\n`);
    }
    report(runs, sample.bytes, zodParseCost(sample.json));
  } finally {
    await server.close();
  }
}

/** The three clients, each answering the ticket it fetched. */
function buildCalls(ready: ServerReady): Record<VariantName, Call> {
  const { username, password } = ready.credentials as { username: string; password: string };
  const authorization = `APIKEY ${username}:${password}`;

  const ctp = createSecureworksCtpClient({
    name: 'ctp-bench', vendor: SECUREWORKS_CTP, baseUrl: ready.apiUrl, enabled: true, sandbox: true, tlsVerify: true,
    pollIntervalSeconds: 0, timeoutMs: TIMEOUT_MS, credentials: { username, password }, settings: {},
  }, { health: new SourceHealthTracker() });

  const api = ky.create({
    prefixUrl: ready.apiUrl,
    timeout: TIMEOUT_MS,
    // VendorHttp's policy: 4 retries of 408/429/5xx, Retry-After honoured for 413/429/503 up to 2 min, backoff ≤ 10 s.
    retry: { limit: 4, statusCodes: [408, 429, 500, 502, 503, 504], afterStatusCodes: [413, 429, 503], maxRetryAfter: 120_000, backoffLimit: 10_000 },
    headers: { 'content-type': 'application/json', 'user-agent': 'socgraph' },
    hooks: { beforeRequest: [(req) => { req.headers.set('authorization', authorization); }] },
  });

  const floorUrl = ready.apiUrl.replace(/\/+$/, '') + '/tickets/';
  return {
    VendorHttp: (id) => ctp.getTicket(id),
    ky: async (id) => ctpTicket.parse(await api.get(`tickets/${encodeURIComponent(id)}`).json()),
    floor: async (id) => {
      const response = await request(floorUrl + encodeURIComponent(id), { method: 'GET', headers: { authorization } });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`floor: HTTP ${response.statusCode}`);
      return JSON.parse(text) as { ticketId: string };
    },
  };
}

/** One run of CALLS calls at CONCURRENCY, with this process's and the server's CPU over it. */
async function measure(server: Server, ids: string[], call: Call): Promise<RunFigures> {
  const serverBefore = await server.cpu();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await drive(CALLS, ids, call);
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const serverAfter = await server.cpu();
  return {
    callsPerSecond: CALLS / seconds,
    clientCpuUsPerCall: (client.user + client.system) / CALLS,
    serverCpuUsPerCall: (serverAfter.user + serverAfter.system - serverBefore.user - serverBefore.system) / CALLS,
  };
}

/** `count` calls, CONCURRENCY in flight, round-robin over the tickets; every answer must be the ticket asked for. */
async function drive(count: number, ids: string[], call: Call): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const id = ids[next % ids.length]!;
      next += 1;
      const ticket = await call(id);
      if (ticket.ticketId !== id) throw new Error(`asked for ticket ${id}, got ${ticket.ticketId}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** One ticket as the sandbox serves it: its size on the wire and its JSON. */
async function sampleTicket(ready: ServerReady): Promise<{ bytes: number; json: unknown }> {
  const { username, password } = ready.credentials as { username: string; password: string };
  const response = await request(`${ready.apiUrl}/tickets/${encodeURIComponent(ready.ticketIds[0]!)}`, { headers: { authorization: `APIKEY ${username}:${password}` } });
  const text = await response.body.text();
  return { bytes: Buffer.byteLength(text), json: JSON.parse(text) };
}

/** CPU µs of the ctpTicket zod parse alone, on an already JSON-parsed ticket (in VendorHttp's and ky's cost, not the floor's). */
function zodParseCost(json: unknown): number {
  const times = Math.max(1_000, CALLS);
  const before = process.cpuUsage();
  for (let i = 0; i < times; i += 1) ctpTicket.parse(json);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / times;
}

interface Server {
  ready: ServerReady;
  cpu(): Promise<NodeJS.CpuUsage>;
  close(): Promise<void>;
}

/** The CTP sandbox in a child process (dist/bench/http-client-server.js), over an IPC channel. */
async function startServer(): Promise<Server> {
  const script = fileURLToPath(new URL('./http-client-server.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextMessage = () => new Promise<ServerMessage>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`http-client-server exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as ServerMessage);
    });
  });
  const first = await nextMessage();
  if (!('ready' in first)) throw new Error('http-client-server did not report ready');
  return {
    ready: first.ready,
    async cpu() {
      const answer = nextMessage();
      child.send('cpu');
      const message = await answer;
      if (!('cpu' in message)) throw new Error('http-client-server answered something other than its CPU');
      return message.cpu;
    },
    async close() {
      if (child.exitCode === null && child.connected) child.send('close');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

function report(runs: Record<VariantName, RunFigures[]>, bodyBytes: number, zodParseUsPerCall: number): void {
  const medians = Object.fromEntries(VARIANTS.map((name) => [name, {
    callsPerSecond: median(runs[name].map((r) => r.callsPerSecond)),
    clientCpuUsPerCall: median(runs[name].map((r) => r.clientCpuUsPerCall)),
    serverCpuUsPerCall: median(runs[name].map((r) => r.serverCpuUsPerCall)),
  }])) as Record<VariantName, RunFigures>;
  const { VendorHttp: hub, ky: kyFigures, floor } = medians;
  const ratios = {
    kyOverVendorHttp: { clientCpuPerCall: kyFigures.clientCpuUsPerCall / hub.clientCpuUsPerCall, callsPerSecond: kyFigures.callsPerSecond / hub.callsPerSecond },
    vendorHttpOverFloor: { clientCpuPerCall: hub.clientCpuUsPerCall / floor.clientCpuUsPerCall, callsPerSecond: hub.callsPerSecond / floor.callsPerSecond },
  };

  const out = (line = '') => process.stdout.write(`${line}\n`);
  const perRound = (name: VariantName, pick: (r: RunFigures) => number) => runs[name].map((r) => pick(r).toFixed(0)).join(' / ');
  out();
  out(`http-client: ${CALLS} × GET /tickets/{id} per run (CTP sandbox in a child process, ${bodyBytes}-byte JSON ticket), `
    + `concurrency ${CONCURRENCY}, ${ROUNDS} rounds (order rotated), medians; Node ${process.version}`);
  out();
  out(`${'variant'.padEnd(12)}${'calls/s'.padStart(10)}${'client CPU µs/call'.padStart(20)}${'server CPU µs/call'.padStart(20)}   per round: calls/s | client µs/call`);
  for (const name of VARIANTS) {
    const m = medians[name];
    out(`${name.padEnd(12)}${m.callsPerSecond.toFixed(0).padStart(10)}${m.clientCpuUsPerCall.toFixed(1).padStart(20)}${m.serverCpuUsPerCall.toFixed(1).padStart(20)}`
      + `   ${perRound(name, (r) => r.callsPerSecond)} | ${perRound(name, (r) => r.clientCpuUsPerCall)}`);
  }
  out();
  out(`ky / VendorHttp:    client CPU per call ${ratios.kyOverVendorHttp.clientCpuPerCall.toFixed(2)}×, throughput ${ratios.kyOverVendorHttp.callsPerSecond.toFixed(2)}×`);
  out(`VendorHttp / floor: client CPU per call ${ratios.vendorHttpOverFloor.clientCpuPerCall.toFixed(2)}×, throughput ${ratios.vendorHttpOverFloor.callsPerSecond.toFixed(2)}×`);
  out(`(the ctpTicket zod parse alone: ${zodParseUsPerCall.toFixed(1)} µs CPU per ticket, in VendorHttp's and ky's figures, not the floor's)`);
  const round = (figures: RunFigures) => ({
    callsPerSecond: Number(figures.callsPerSecond.toFixed(0)),
    clientCpuUsPerCall: Number(figures.clientCpuUsPerCall.toFixed(1)),
    serverCpuUsPerCall: Number(figures.serverCpuUsPerCall.toFixed(1)),
  });
  const r3 = (n: number) => Number(n.toFixed(3));
  out(JSON.stringify({
    bench: 'http-client', calls: CALLS, concurrency: CONCURRENCY, rounds: ROUNDS, bodyBytes, node: process.version, ky: packageVersion('ky'),
    undici: packageVersion('undici'), fetchUndici: process.versions.undici,
    variants: Object.fromEntries(VARIANTS.map((name) => [name, { ...round(medians[name]), runs: runs[name].map(round) }])),
    ratios: {
      kyOverVendorHttp: { clientCpuPerCall: r3(ratios.kyOverVendorHttp.clientCpuPerCall), callsPerSecond: r3(ratios.kyOverVendorHttp.callsPerSecond) },
      vendorHttpOverFloor: { clientCpuPerCall: r3(ratios.vendorHttpOverFloor.clientCpuPerCall), callsPerSecond: r3(ratios.vendorHttpOverFloor.callsPerSecond) },
    },
    zodParseUsPerCall: Number(zodParseUsPerCall.toFixed(2)),
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The installed version of a dependency (from node_modules, beside dist/). */
function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}
