import { EnrichmentEngine } from '../../src/enrichment/enrichment-engine.js';
import type { IndicatorOutcome } from '../../src/enrichment/enrichment-outcome.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';
import { callsTo, lastSeq, randomPublicIp, randomSha256, sandboxOf, setQuota } from './enrichment-support.js';

/**
 * Quota pacing against the sandboxes' real quota model. VirusTotal's windows are a minute long; both the sandbox
 * (`PUT /__sandbox/quota-clock`) and the engine (`timeScale`) run them SCALE times faster, so "4 a minute" is paced
 * over 2-second windows: the same algorithm and the same budget per window, a dozen windows in ~25 s.
 */
const SCALE = 30;
const WINDOW_MS = 60_000 / SCALE;

let hub: TestHub;
let engine: EnrichmentEngine;

beforeAll(async () => {
  hub = await startTestHub({ config: { sandboxes: 'all' } });
  engine = new EnrichmentEngine(hub.services, { timeScale: SCALE });
  await control(sandboxOf(hub, 'virustotal'), 'PUT', '/quota-clock', { scale: SCALE });
  await setQuota(hub, 'hybrid-analysis', { perMinute: 10_000, perHour: 100_000 });
  await setQuota(hub, 'abuseipdb', { perDay: 100_000 });
});

afterAll(async () => {
  await hub?.close();
});

function vt(outcome: IndicatorOutcome) {
  return outcome.providers.find((p) => p.provider === 'VIRUSTOTAL')!;
}

/** The most calls any fixed, clock-aligned window of the sandbox saw. */
function maxPerWindow(calls: Array<{ at: string }>): number {
  const perWindow = new Map<number, number>();
  for (const c of calls) {
    const w = Math.floor(Date.parse(c.at) / WINDOW_MS);
    perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
  }
  return Math.max(0, ...perWindow.values());
}

describe('per-provider quota scheduler', () => {
  it('VirusTotal at 4 a minute and a burst of 50 new hashes: all 50 enriched, paced, and the sandbox never answers 429', async () => {
    await setQuota(hub, 'virustotal', { perMinute: 4, perDay: 10_000 });
    const since = await lastSeq(hub, 'virustotal');
    const hashes = Array.from({ length: 50 }, randomSha256);
    const started = Date.now();
    const outcomes = await engine.enrich({ indicators: hashes.map((value) => ({ type: 'SHA256', value })) });
    const elapsed = Date.now() - started;

    expect(outcomes).toHaveLength(50);
    expect(outcomes.map((o) => vt(o).status)).toEqual(Array(50).fill('FETCHED'));
    const quota = await control(sandboxOf(hub, 'virustotal'), 'GET', '/quota');
    expect(quota.rateLimitedResponses).toBe(0);
    const calls = await callsTo(hub, 'virustotal', since);
    expect(calls).toHaveLength(50);
    expect(calls.every((c) => c.status !== 429)).toBe(true);
    expect(maxPerWindow(calls)).toBeLessThanOrEqual(4);
    // 50 calls at 4 a window need at least 12 window boundaries.
    expect(elapsed).toBeGreaterThanOrEqual(12 * WINDOW_MS - 200);
    // ...and pacing does not waste the budget: well under twice the ideal.
    expect(elapsed).toBeLessThan(2 * 13 * WINDOW_MS);
  }, 120_000);

  it('two engines on one database (two replicas) share the budget: never more than 4 calls a window together', async () => {
    await setQuota(hub, 'virustotal', { perMinute: 4, perDay: 10_000 });
    const replica = new EnrichmentEngine(hub.services, { timeScale: SCALE });
    const since = await lastSeq(hub, 'virustotal');
    const [a, b] = await Promise.all([
      engine.enrich({ indicators: Array.from({ length: 10 }, () => ({ type: 'SHA256' as const, value: randomSha256() })) }),
      replica.enrich({ indicators: Array.from({ length: 10 }, () => ({ type: 'SHA256' as const, value: randomSha256() })) }),
    ]);
    expect([...a, ...b].map((o) => vt(o).status)).toEqual(Array(20).fill('FETCHED'));
    const calls = await callsTo(hub, 'virustotal', since);
    expect(calls).toHaveLength(20);
    expect(maxPerWindow(calls)).toBeLessThanOrEqual(4);
    expect((await control(sandboxOf(hub, 'virustotal'), 'GET', '/quota')).rateLimitedResponses).toBe(0);
  }, 120_000);

  it('two replicas asked for the same indicator at once make one call per provider (a call in flight elsewhere is waited for)', async () => {
    await setQuota(hub, 'virustotal', { perMinute: 4, perDay: 10_000 });
    const replica = new EnrichmentEngine(hub.services, { timeScale: SCALE });
    const ip = randomPublicIp();
    const vtSince = await lastSeq(hub, 'virustotal');
    const abuseSince = await lastSeq(hub, 'abuseipdb');
    // Slow answers, so both replicas hold the question at the same time (AbuseIPDB meters only a day: no slot wait).
    await control(sandboxOf(hub, 'virustotal'), 'PUT', '/faults', { latencyMs: 400 });
    await control(sandboxOf(hub, 'abuseipdb'), 'PUT', '/faults', { latencyMs: 400 });
    const [[x], [y]] = await Promise.all([
      engine.enrich({ indicators: [{ type: 'IPV4', value: ip }] }),
      replica.enrich({ indicators: [{ type: 'IPV4', value: ip }] }),
    ]).finally(async () => {
      await control(sandboxOf(hub, 'virustotal'), 'DELETE', '/faults');
      await control(sandboxOf(hub, 'abuseipdb'), 'DELETE', '/faults');
    });
    expect((await callsTo(hub, 'virustotal', vtSince)).filter((c) => c.path.includes(ip))).toHaveLength(1);
    expect((await callsTo(hub, 'abuseipdb', abuseSince)).filter((c) => c.query.ipAddress === ip)).toHaveLength(1);
    for (const vendor of ['VIRUSTOTAL', 'ABUSEIPDB']) {
      const [px, py] = [x, y].map((o) => o.providers.find((p) => p.provider === vendor)!);
      expect([px.status, py.status].sort()).toEqual(['CACHED', 'FETCHED']);
      expect(px.enrichmentId).toBe(py.enrichmentId);
    }
  }, 60_000);

  it('honours Retry-After: after a 429 the provider is blocked for every replica until then, and the look-up is retried', async () => {
    const abuse = sandboxOf(hub, 'abuseipdb');
    const replica = new EnrichmentEngine(hub.services, { timeScale: SCALE });
    const since = await lastSeq(hub, 'abuseipdb');
    await control(abuse, 'PUT', '/faults', { next: [{ status: 429, retryAfterSeconds: 2 }] });
    const first = randomPublicIp();
    const second = randomPublicIp();
    const pending = engine.enrich({ indicators: [{ type: 'IPV4', value: first }] });
    // Let the 429 land, then ask through the other replica: it must wait for the shared block too.
    for (let i = 0; i < 100 && (await callsTo(hub, 'abuseipdb', since)).length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    const [[a], [b]] = await Promise.all([pending, replica.enrich({ indicators: [{ type: 'IPV4', value: second }] })]);
    await control(abuse, 'DELETE', '/faults');

    expect(a.providers.find((p) => p.provider === 'ABUSEIPDB')!.status).toBe('FETCHED');
    expect(b.providers.find((p) => p.provider === 'ABUSEIPDB')!.status).toBe('FETCHED');
    const calls = await callsTo(hub, 'abuseipdb', since);
    expect(calls.map((c) => c.status)).toEqual([429, 200, 200]);
    const refusedAt = Date.parse(calls[0].at);
    for (const later of calls.slice(1)) expect(Date.parse(later.at) - refusedAt).toBeGreaterThanOrEqual(1950);
  }, 60_000);

  it('a 429 without Retry-After (VirusTotal) blocks the provider for one minute window, then the look-up succeeds', async () => {
    await setQuota(hub, 'virustotal', { perMinute: 4, perDay: 10_000 });
    await hub.services.dataSource.query(`DELETE FROM enrichment_quota WHERE source = 'virustotal'`);
    const since = await lastSeq(hub, 'virustotal');
    await control(sandboxOf(hub, 'virustotal'), 'PUT', '/faults', { next: [{ status: 429 }] });
    const hash = randomSha256();
    const [out] = await engine.enrich({ indicators: [{ type: 'SHA256', value: hash }] });
    await control(sandboxOf(hub, 'virustotal'), 'DELETE', '/faults');
    expect(vt(out)).toMatchObject({ status: 'FETCHED' });
    const calls = (await callsTo(hub, 'virustotal', since)).filter((c) => c.path.includes(hash));
    expect(calls).toHaveLength(2);
    expect(calls[0].status).toBe(429);
    expect(calls[1].status).not.toBe(429);
    expect(Date.parse(calls[1].at) - Date.parse(calls[0].at)).toBeGreaterThanOrEqual(WINDOW_MS - 50);
  }, 60_000);

  it('a spent day budget fails the remaining look-ups at once with a clear error (no verdict, no 429 received)', async () => {
    await setQuota(hub, 'virustotal', { perMinute: null, perDay: 3 });
    // A new day window for the engine's counter too: use a source state with no history.
    await hub.services.dataSource.query(`DELETE FROM enrichment_quota WHERE source = 'virustotal'`);
    const outcomes = await engine.enrich({ indicators: Array.from({ length: 5 }, () => ({ type: 'SHA256' as const, value: randomSha256() })) });
    const statuses = outcomes.map((o) => vt(o).status);
    expect(statuses.filter((s) => s === 'FETCHED')).toHaveLength(3);
    const failed = outcomes.map(vt).filter((p) => p.status === 'FAILED');
    expect(failed).toHaveLength(2);
    for (const f of failed) {
      expect(f.error).toMatch(/daily quota of 3 calls is spent; it resets at \d{4}-/);
      expect(f.verdict).toBeNull();
    }
    expect((await control(sandboxOf(hub, 'virustotal'), 'GET', '/quota')).rateLimitedResponses).toBe(0);
  }, 60_000);

  it('a provider refusing beyond the configured budget (a daily 429 with Retry-After to midnight) fails fast and is never a verdict', async () => {
    // The sandbox's daily 429 asks to wait until UTC midnight; within the engine's (scaled) 30 s block limit of
    // midnight that wait would be taken instead of failing fast, so start after midnight then.
    const toMidnightMs = 86_400_000 - (Date.now() % 86_400_000);
    if (toMidnightMs < 40_000) await new Promise((r) => setTimeout(r, toMidnightMs + 1_000));
    // The key's real budget (2 a day) is lower than what the source says (100,000): the provider's 429 is the truth.
    await control(sandboxOf(hub, 'abuseipdb'), 'PUT', '/quota', { perDay: 2 });
    const since = await lastSeq(hub, 'abuseipdb');
    const ips = [randomPublicIp(), randomPublicIp(), randomPublicIp()];
    const outcomes = await engine.enrich({ indicators: ips.map((value) => ({ type: 'IPV4' as const, value })) });
    const abuse = outcomes.map((o) => o.providers.find((p) => p.provider === 'ABUSEIPDB')!);
    expect(abuse.filter((p) => p.status === 'FETCHED')).toHaveLength(2);
    const refused = abuse.find((p) => p.status === 'FAILED')!;
    expect(refused).toMatchObject({ verdict: null, enrichmentId: null });
    expect(refused.error).toMatch(/abuseipdb is rate-limited until .*Retry-After \d+s.*not waiting that long/);
    expect((await callsTo(hub, 'abuseipdb', since)).map((c) => c.status).sort()).toEqual([200, 200, 429]);

    // Every replica now knows: the next look-up fails without calling the provider.
    const replica = new EnrichmentEngine(hub.services, { timeScale: SCALE });
    const [next] = await replica.enrich({ indicators: [{ type: 'IPV4', value: randomPublicIp() }] });
    expect(next.providers.find((p) => p.provider === 'ABUSEIPDB')!.status).toBe('FAILED');
    expect(await callsTo(hub, 'abuseipdb', since)).toHaveLength(3);
    await control(sandboxOf(hub, 'abuseipdb'), 'PUT', '/quota', { perDay: 100_000 });
    await hub.services.dataSource.query(`DELETE FROM enrichment_quota WHERE source = 'abuseipdb'`);
  }, 60_000);

  it('stops waiting for quota when the request is aborted', async () => {
    await setQuota(hub, 'virustotal', { perMinute: 4, perDay: 10_000 });
    await hub.services.dataSource.query(`DELETE FROM enrichment_quota WHERE source = 'virustotal'`);
    const since = await lastSeq(hub, 'virustotal');
    const abort = new AbortController();
    const pending = engine.enrich({ indicators: Array.from({ length: 12 }, () => ({ type: 'SHA256' as const, value: randomSha256() })), signal: abort.signal });
    setTimeout(() => abort.abort(new Error('job shutting down')), 300);
    await expect(pending).rejects.toThrow('job shutting down');
    await new Promise((r) => setTimeout(r, 2 * WINDOW_MS));
    expect((await callsTo(hub, 'virustotal', since)).length).toBeLessThanOrEqual(4);
  }, 60_000);
});
