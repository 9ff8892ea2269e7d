import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { IndicatorRef } from '../src/domain/enrichment.js';
import type { RunningHub } from '../src/hub.js';
import type { RunningSandbox } from '../src/sandbox/kit/index.js';
import { testDatabase } from '../test/support/database.js';
import { control } from '../test/support/sandbox-control.js';

/**
 * enrichment: BENCH_IOCS indicators (default 1,000; 30 % of them repeats) spread over tickets of 50, each ticket
 * enriched by its own concurrent `enrich()` call (as the playbook does), through the hub's engine against the three
 * provider sandboxes. Figures:
 *  - extraction: throughput of extractIndicators over BENCH_TEXT_MB of ticket-like text (MB/s);
 *  - paced pass: every provider's budget set to BENCH_PER_MINUTE (default 600) a minute on both sides (sandbox
 *    quota and source setting), real-time windows: provider calls vs unique indicators × applicable providers,
 *    429s received, quota use achieved over the full windows during which the queue was non-empty;
 *  - second pass over the same tickets: cache-hit ratio;
 *  - engine overhead: the same kind of workload with quotas unmetered, vs a floor of raw enricher calls (the
 *    same enrichers, the same concurrency per provider, no engine) measured in the same run: look-ups/s ratio.
 * BENCH_CONCURRENCY: calls in flight per provider (engine and floor; default 16).
 */
const IOCS = Number(process.env.BENCH_IOCS ?? 1000);
const REPEAT_SHARE = 0.3;
const PER_TICKET = 50;
const PER_MINUTE = Number(process.env.BENCH_PER_MINUTE ?? 600);
const TEXT_MB = Number(process.env.BENCH_TEXT_MB ?? 16);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PROVIDERS = ['abuseipdb', 'hybrid-analysis', 'virustotal'] as const;
type ProviderName = (typeof PROVIDERS)[number];

export async function run(): Promise<void> {
  process.env.LOG_LEVEL ??= 'error';
  const { startHub } = await import('../src/hub.js');
  const { hubConfigSchema } = await import('../src/config/hub-config.js');
  const { EnrichmentEngine } = await import('../src/enrichment/enrichment-engine.js');
  const { extractIndicators } = await import('../src/indicators/extract.js');

  const database = await testDatabase('sg_bench');
  const dataDir = join(mkdtempSync(join(tmpdir(), 'sg-bench-enrichment-')), 'postgres');
  const hub = await startHub({
    config: hubConfigSchema.parse({ sandboxes: 'all', server: { port: 0, host: '127.0.0.1' }, jobs: {} }),
    embeddedDataDir: dataDir, developmentToken: false, databaseUrl: database.url,
  });
  try {
    // 1. Extraction throughput (and the paced workload comes out of the text, as in the playbook).
    const paced = workload(IOCS);
    const text = ticketText(paced, TEXT_MB);
    const t0 = process.hrtime.bigint();
    const extracted = extractIndicators(text);
    const extractSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const extractionMBps = Buffer.byteLength(text) / 1e6 / extractSeconds;
    const uniquePaced = new Set(paced.map(key));
    const found = new Set(extracted.map((i) => `${i.type}|${i.value}`));
    const extractedAll = [...uniquePaced].every((k) => found.has(k));

    // 2. Paced pass: every provider at PER_MINUTE a minute, real-time windows.
    for (const name of PROVIDERS) {
      await setQuota(hub, name, name === 'abuseipdb' ? { perMinute: PER_MINUTE, perDay: 1_000_000 } : name === 'hybrid-analysis'
        ? { perMinute: PER_MINUTE, perHour: 1_000_000 } : { perMinute: PER_MINUTE, perDay: 1_000_000 });
      await control(sandbox(hub, name), 'DELETE', '/calls');
    }
    const engine = new EnrichmentEngine(hub.services, { maxConcurrentCallsPerSource: CONCURRENCY });
    const tickets = chunk(paced, PER_TICKET);
    const pacedStart = Date.now();
    const first = (await Promise.all(tickets.map((t) => engine.enrich({ indicators: t })))).flat();
    const pacedSeconds = (Date.now() - pacedStart) / 1000;
    const perProvider: Record<string, { expectedLookups: number; lookups: number; calls: number; rateLimited: number; quotaUse: number | null; fullWindows: number }> = {};
    for (const name of PROVIDERS) {
      const calls: Array<{ at: string; path: string; query: Record<string, unknown>; status: number }> = (await control(sandbox(hub, name), 'GET', '/calls')).calls;
      const quota = await control(sandbox(hub, name), 'GET', '/quota');
      perProvider[name] = {
        expectedLookups: expectedLookups(name, uniquePaced),
        lookups: lookupsSeen(name, calls, uniquePaced),
        calls: calls.length,
        rateLimited: Math.max(quota.rateLimitedResponses, calls.filter((c) => c.status === 429).length),
        ...quotaUse(calls, PER_MINUTE, 60_000),
      };
    }
    const failedPaced = first.flatMap((o) => o.providers).filter((p) => p.status === 'FAILED').length;

    // 3. Second pass: the same tickets again.
    const callsBefore = await totalCalls(hub);
    const second = (await Promise.all(tickets.map((t) => engine.enrich({ indicators: t })))).flat();
    const secondProviders = second.flatMap((o) => o.providers);
    const cacheHitRatio = secondProviders.filter((p) => p.status === 'CACHED').length / Math.max(1, secondProviders.length);
    const secondPassCalls = (await totalCalls(hub)) - callsBefore;

    // 4. Engine overhead vs raw enricher calls, quotas unmetered (fresh indicators for each).
    for (const name of PROVIDERS) await setQuota(hub, name, {});
    const floorSet = distinct(workload(IOCS));
    const floorLookups = lookupsOf(hub, floorSet);
    const floorStart = Date.now();
    await floor(hub, floorLookups);
    const floorSeconds = (Date.now() - floorStart) / 1000;
    const engineSet = distinct(workload(IOCS));
    const engineLookups = lookupsOf(hub, engineSet).length;
    const engineStart = Date.now();
    const unmetered = (await Promise.all(chunk(engineSet, PER_TICKET).map((t) => engine.enrich({ indicators: t })))).flat();
    const engineSeconds = (Date.now() - engineStart) / 1000;
    const engineRate = engineLookups / engineSeconds;
    const floorRate = floorLookups.length / floorSeconds;
    const throughputRatio = engineRate / floorRate;
    const failedUnmetered = unmetered.flatMap((o) => o.providers).filter((p) => p.status === 'FAILED').length;

    const rows: Array<[string, string]> = [
      ['indicators (with repeats) / unique', `${paced.length} / ${uniquePaced.size}`],
      ['extraction (MB of text, MB/s)', `${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB, ${extractionMBps.toFixed(1)} MB/s${extractedAll ? '' : ' (MISSED SOME)'}`],
      ['paced pass seconds', pacedSeconds.toFixed(1)],
      ...PROVIDERS.flatMap((name): Array<[string, string]> => {
        const p = perProvider[name];
        return [
          [`${name}: look-ups / expected (unique × applicable)`, `${p.lookups} / ${p.expectedLookups}`],
          [`${name}: HTTP calls, 429s received`, `${p.calls}, ${p.rateLimited}`],
          [`${name}: quota use (full busy windows)`, p.quotaUse === null ? 'n/a (never budget-bound)' : `${(100 * p.quotaUse).toFixed(1)} % over ${p.fullWindows} window(s)`],
        ];
      }),
      ['failed look-ups (paced pass)', String(failedPaced)],
      ['second pass: cache-hit ratio, provider calls', `${cacheHitRatio.toFixed(3)}, ${secondPassCalls}`],
      ['unmetered: engine look-ups/s', engineRate.toFixed(1)],
      ['unmetered: floor (raw enricher calls) look-ups/s', floorRate.toFixed(1)],
      ['unmetered: failed look-ups (engine)', String(failedUnmetered)],
    ];
    process.stdout.write(`\nenrichment: ${paced.length} IOCs (${Math.round(REPEAT_SHARE * 100)} % repeats) in tickets of ${PER_TICKET}, ${PER_MINUTE}/min per provider, `
      + `concurrency ${CONCURRENCY} per provider, database ${process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded PostgreSQL'}\n\n`);
    for (const [label, value] of rows) process.stdout.write(`${label.padEnd(52)}${value.padStart(44)}\n`);
    process.stdout.write(`\nengine throughput (unmetered) = ${throughputRatio.toFixed(2)} × floor; targets: quota use ≥ 95 %, 429s = 0, look-ups = unique × applicable\n`);
    process.stdout.write(`${JSON.stringify({
      bench: 'enrichment', iocs: paced.length, unique: uniquePaced.size, perMinute: PER_MINUTE, concurrency: CONCURRENCY,
      extractionMBps: round(extractionMBps), extractedAll, pacedSeconds: round(pacedSeconds), providers: perProvider,
      failedPaced, cacheHitRatio: round(cacheHitRatio, 3), secondPassCalls,
      engineLookupsPerSecond: round(engineRate), floorLookupsPerSecond: round(floorRate), throughputRatio: round(throughputRatio, 3),
    })}\n`);
  } finally {
    await hub.stop();
    await database.drop();
  }
}

// ---------------------------------------------------------------------------------------------

function key(ref: IndicatorRef): string {
  return `${ref.type}|${ref.value}`;
}

function distinct(refs: IndicatorRef[]): IndicatorRef[] {
  return [...new Map(refs.map((r) => [key(r), r])).values()];
}

/** `count` indicators, REPEAT_SHARE of them repeats of earlier ones: IPs, URLs, domains and hashes of each kind. */
function workload(count: number): IndicatorRef[] {
  const unique = Math.round(count * (1 - REPEAT_SHARE));
  const base: IndicatorRef[] = [];
  for (let i = 0; i < unique; i += 1) {
    const r = randomBytes(32);
    switch (i % 10) {
      case 0: case 1: case 2: case 3:
        base.push({ type: 'IPV4', value: `${[45, 77, 185, 193][r[0] % 4]}.${r[1]}.${r[2]}.${1 + (r[3] % 250)}` });
        break;
      case 4: case 5:
        base.push({ type: 'URL', value: `http://host-${r.subarray(0, 4).toString('hex')}.example.net/p/${r[4]}` });
        break;
      case 6:
        base.push({ type: 'DOMAIN', value: `site-${r.subarray(0, 5).toString('hex')}.example.org` });
        break;
      case 7:
        base.push({ type: 'SHA256', value: r.toString('hex') });
        break;
      case 8:
        base.push({ type: 'MD5', value: r.subarray(0, 16).toString('hex') });
        break;
      default:
        base.push({ type: 'SHA1', value: r.subarray(0, 20).toString('hex') });
    }
  }
  const out = [...base];
  while (out.length < count) out.push(base[randomBytes(4).readUInt32BE() % base.length]);
  // Shuffle, so repeats land in other tickets (and meet the first look-up in flight or in the cache).
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = randomBytes(4).readUInt32BE() % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Ticket-like text carrying every indicator (some defanged), padded with prose to `megabytes`. */
function ticketText(refs: IndicatorRef[], megabytes: number): string {
  const prose = 'User reported a suspicious e-mail; the attachment was opened on the workstation and the proxy logged the '
    + 'following connections during the investigation window. Analyst notes follow.\n';
  const lines: string[] = [];
  refs.forEach((r, i) => {
    const shown = i % 3 === 0 && (r.type === 'IPV4' || r.type === 'DOMAIN') ? r.value.replace(/\./g, '[.]')
      : i % 3 === 0 && r.type === 'URL' ? r.value.replace(/^http/, 'hxxp').replace(/\./g, '[.]') : r.value;
    lines.push(`${prose}ioc: ${shown}\n`);
  });
  let text = lines.join('');
  const target = megabytes * 1e6;
  const filler = `${prose}status update: no further activity observed on the host; waiting for the user's manager.\n`;
  if (text.length < target) text += filler.repeat(Math.ceil((target - text.length) / filler.length));
  return text;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const APPLICABLE: Record<ProviderName, string[]> = {
  abuseipdb: ['IPV4', 'IPV6'],
  'hybrid-analysis': ['MD5', 'SHA1', 'SHA256'],
  virustotal: ['IPV4', 'IPV6', 'DOMAIN', 'URL', 'MD5', 'SHA1', 'SHA256'],
};

function expectedLookups(name: ProviderName, unique: Set<string>): number {
  return [...unique].filter((k) => APPLICABLE[name].includes(k.split('|')[0])).length;
}

/**
 * Distinct indicators a provider was asked about, from its sandbox's call log. Hybrid Analysis looks an md5/sha1 up
 * in two calls (search, then the overview of the sha256 found): its overview calls count only for sha256 indicators.
 */
function lookupsSeen(name: ProviderName, calls: Array<{ path: string; query: Record<string, unknown> }>, unique: Set<string>): number {
  const seen = new Set<string>();
  for (const call of calls) {
    if (call.query.ipAddress) seen.add(String(call.query.ipAddress));
    else if (call.query.hash) seen.add(String(call.query.hash));
    else if (name !== 'hybrid-analysis') seen.add(call.path.split('/').pop()!);
    else if (unique.has(`SHA256|${call.path.split('/').pop()}`)) seen.add(call.path.split('/').pop()!);
  }
  return seen.size;
}

/**
 * Calls sent within the full windows during which the queue was non-empty (from the first call to the start of
 * the last), over the budget of those windows; null when everything fit in the first window.
 */
function quotaUse(calls: Array<{ at: string }>, budget: number, windowMs: number): { quotaUse: number | null; fullWindows: number } {
  if (calls.length === 0) return { quotaUse: null, fullWindows: 0 };
  const times = calls.map((c) => Date.parse(c.at)).sort((a, b) => a - b);
  const fullWindows = Math.floor((times[times.length - 1] - times[0]) / windowMs);
  if (fullWindows === 0) return { quotaUse: null, fullWindows };
  const within = times.filter((t) => t < times[0] + fullWindows * windowMs).length;
  return { quotaUse: within / (budget * fullWindows), fullWindows };
}

function sandbox(hub: RunningHub, name: ProviderName): RunningSandbox {
  return hub.sandboxes.get(name)!;
}

async function setQuota(hub: RunningHub, name: ProviderName, quota: { perMinute?: number; perHour?: number; perDay?: number }): Promise<void> {
  await control(sandbox(hub, name), 'PUT', '/quota', quota);
  const source = hub.services.sources.get(name)!;
  source.config = { ...source.config, settings: { ...source.config.settings, quota: { perMinute: quota.perMinute ?? null, perHour: quota.perHour ?? null, perDay: quota.perDay ?? null } } };
}

async function totalCalls(hub: RunningHub): Promise<number> {
  let total = 0;
  for (const name of PROVIDERS) total += (await control(sandbox(hub, name), 'GET', '/calls')).count;
  return total;
}

/** Every (enricher, indicator) pair the engine would look up. */
function lookupsOf(hub: RunningHub, refs: IndicatorRef[]): Array<{ name: ProviderName; ref: IndicatorRef }> {
  return refs.flatMap((ref) => PROVIDERS.filter((name) => APPLICABLE[name].includes(ref.type)).map((name) => ({ name, ref })));
}

/** The floor: the same enrichers called directly, CONCURRENCY at a time per provider, no cache, no quota, no storage. */
async function floor(hub: RunningHub, lookups: Array<{ name: ProviderName; ref: IndicatorRef }>): Promise<void> {
  const { default: pLimit } = await import('p-limit');
  const limits = Object.fromEntries(PROVIDERS.map((name) => [name, pLimit(CONCURRENCY)]));
  await Promise.all(lookups.map(({ name, ref }) => limits[name](async () => {
    const enricher = hub.services.sources.port(name, 'enrich')!;
    await enricher.enrich(ref);
  })));
}



function round(n: number, digits = 1): number {
  return Number(n.toFixed(digits));
}

