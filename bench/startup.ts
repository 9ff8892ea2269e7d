import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase } from '../test/support/database.js';

/**
 * startup: how long `npm start` itself (npm, its build-if-stale check, node with the heap cap, every sandbox) takes
 * from spawn to answering GraphQL, on a first start (empty database: initdb of the embedded PostgreSQL or a fresh
 * server database, every migration) and on a restart on the same data. Budget (issue 11): 3 s first, 2 s restart.
 * Without DATABASE_URL: the embedded database in a fresh folder; with it: a fresh database on that server.
 * BENCH_STARTS (default 3) pairs of first start + restart; medians reported.
 */
const STARTS = Number(process.env.BENCH_STARTS ?? 3);

interface Start {
  /** Spawn to the "socgraph ready" log line. */
  readyMs: number;
  /** Spawn to a first answered GraphQL query. */
  answeredMs: number;
}

export async function run(): Promise<void> {
  const server = Boolean(process.env.DATABASE_URL);
  const first: Start[] = [];
  const restart: Start[] = [];
  for (let i = 0; i < STARTS; i += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'sg-bench-startup-'));
    const database = await testDatabase('sg_bench_startup');
    try {
      const config = join(dir, 'hub.yaml');
      writeFileSync(config, `sandboxes: all\nserver: { port: 0, host: 127.0.0.1 }\ndatabase: { dataDir: ${join(dir, 'postgres')} }\n`);
      const env = { HUB_CONFIG: config, DATABASE_URL: database.url ?? '' };
      first.push(await timeStart(env));
      restart.push(await timeStart(env));
      process.stderr.write(`  start ${i + 1}/${STARTS}: first ${first.at(-1)!.answeredMs} ms, restart ${restart.at(-1)!.answeredMs} ms\n`);
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const figures = {
    database: server ? 'server' : 'embedded',
    starts: STARTS,
    firstStart: summary(first),
    restart: summary(restart),
    budgetMs: { firstStart: 3000, restart: 2000 },
  };
  console.log(`startup (${figures.database} database, ${STARTS} × first start + restart, every sandbox; spawn → first answered query)\n`);
  console.log('start          median ms   min ms   max ms   ready-log median ms   budget ms');
  for (const [name, s, budget] of [['first start', figures.firstStart, 3000], ['restart', figures.restart, 2000]] as const) {
    console.log(`${name.padEnd(14)} ${String(s.medianMs).padStart(9)} ${String(s.minMs).padStart(8)} ${String(s.maxMs).padStart(8)} ${String(s.readyMedianMs).padStart(21)} ${String(budget).padStart(11)}`);
  }
  console.log(JSON.stringify({ bench: 'startup', ...figures }));
}

function summary(starts: Start[]) {
  const answered = starts.map((s) => s.answeredMs).sort((a, b) => a - b);
  const ready = starts.map((s) => s.readyMs).sort((a, b) => a - b);
  return { medianMs: answered[Math.floor(answered.length / 2)]!, minMs: answered[0]!, maxMs: answered.at(-1)!, readyMedianMs: ready[Math.floor(ready.length / 2)]! };
}

/** Runs `npm start` (the heap cap from SOCGRAPH_HEAP_MB, as it does), waits for a GraphQL answer, stops it with SIGTERM. */
async function timeStart(env: NodeJS.ProcessEnv): Promise<Start> {
  const started = performance.now();
  const npm = process.env.npm_execpath;
  const child = spawn(npm ? process.execPath : 'npm', [...(npm ? [npm] : []), 'start', '--silent'], {
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (chunk) => { out += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const { url, token, readyMs } = await new Promise<{ url: string; token: string; readyMs: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hub did not start in 60 s: ${out}`)), 60_000);
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const url = /GraphQL \(HTTP \+ graphql-ws\): (\S+)/.exec(out)?.[1];
        const token = /development ADMIN token \(this run only\): (\S+)/.exec(out)?.[1];
        if (url && token) {
          clearTimeout(timer);
          resolve({ url, token, readyMs: Math.round(performance.now() - started) });
        }
      });
      void exited.then((code) => reject(new Error(`hub exited (${code}): ${out}`)));
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ sources { name health { status } } }' }),
    });
    const body = await response.json() as { data?: { sources: unknown[] } };
    if (!body.data?.sources.length) throw new Error(`unexpected answer: ${JSON.stringify(body)}`);
    return { readyMs, answeredMs: Math.round(performance.now() - started) };
  } finally {
    // The hub, not npm: npm exits at once on a signal, and the hub would be cut off from its output mid-shutdown.
    process.kill(hubPid(child.pid!) ?? child.pid!, 'SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`hub exited with ${code} on SIGTERM: ${out}`);
  }
}

/** The hub's node process (`scripts/start.mjs`) under `npm start`'s process (npm → sh → node), found through /proc. */
function hubPid(npmPid: number): number | null {
  const parentOf = new Map<number, number>();
  let hub: number | null = null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (/scripts\/start\.mjs|dist\/src\/main\.js/.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) {
        let pid = Number(entry);
        for (let depth = 0; depth < 4 && pid > 1; depth += 1) {
          pid = parentOf.get(pid) ?? Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
          if (pid === npmPid) hub = Number(entry);
        }
      }
    } catch {
      // gone
    }
  }
  return hub;
}
