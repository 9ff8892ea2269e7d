import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

export interface LoadFigures {
  requests: number;
  reqPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time (user + system) the server process spent per request. */
  cpuMsPerRequest: number;
}

/** A JSON POST target: where, what, and how to check an answer is whole. */
export interface Target {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** `concurrency` closed-loop clients posting `target` for `seconds`, on keep-alive connections. */
export async function load(target: Target, concurrency: number, seconds: number, serverPid: number): Promise<LoadFigures> {
  const pool = new Pool(target.url, { connections: concurrency, pipelining: 1 });
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      const response = await pool.request({ method: 'POST', path: target.path, headers: target.headers, body: target.body });
      const text = await response.body.text();
      if (response.statusCode !== 200 || text.includes('"errors"')) throw new Error(`${target.url}${target.path}: ${response.statusCode} ${text.slice(0, 300)}`);
      latencies.push(performance.now() - started);
    }
  };
  const began = performance.now();
  const cpuBefore = cpuSeconds(serverPid);
  await Promise.all(Array.from({ length: concurrency }, client));
  const cpu = cpuSeconds(serverPid) - cpuBefore;
  const elapsed = (performance.now() - began) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, reqPerSecond: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), cpuMsPerRequest: (cpu * 1000) / latencies.length };
}

/** One answer, parsed. */
export async function fetchJson(target: Target): Promise<any> {
  const response = await fetch(`${target.url}${target.path}`, { method: 'POST', headers: target.headers, body: target.body });
  const json = await response.json() as any;
  if (!response.ok || json.errors) throw new Error(`${target.url}${target.path}: ${response.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** utime + stime of a process (Linux), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ, 100 on Linux)
}
