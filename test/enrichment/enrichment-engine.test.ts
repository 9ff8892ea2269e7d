import type { IndicatorOutcome } from '../../src/enrichment/enrichment-outcome.js';
import { EnrichmentEntity, IndicatorEntity } from '../../src/store/entities/index.js';
import type { TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';
import { callsTo, lastSeq, randomMd5, randomPublicIp, randomSha256, sandboxOf, setSettings, startGenerousHub } from './enrichment-support.js';

let hub: TestHub;

beforeAll(async () => {
  // Pacing is quota.test.ts's subject.
  hub = await startGenerousHub();
});

afterAll(async () => {
  await hub?.close();
});

function provider(outcome: IndicatorOutcome, vendor: string) {
  const found = outcome.providers.find((p) => p.provider === vendor);
  if (!found) throw new Error(`no ${vendor} outcome in ${JSON.stringify(outcome.providers)}`);
  return found;
}

describe('enrichment engine', () => {
  it('routes by type: IP → AbuseIPDB + VirusTotal, hash → Hybrid Analysis + VirusTotal, URL and domain → VirusTotal', async () => {
    const ip = randomPublicIp();
    const hash = randomSha256();
    const [ipOut, hashOut, urlOut, domainOut] = await hub.services.enrichment.enrich({ indicators: [
      { type: 'IPV4', value: ip }, { type: 'SHA256', value: hash },
      { type: 'URL', value: 'http://routing.example.org/a' }, { type: 'DOMAIN', value: 'routing-test.example.org' },
    ] });
    expect(ipOut.providers.map((p) => p.provider).sort()).toEqual(['ABUSEIPDB', 'VIRUSTOTAL']);
    expect(hashOut.providers.map((p) => p.provider).sort()).toEqual(['HYBRID_ANALYSIS', 'VIRUSTOTAL']);
    expect(urlOut.providers.map((p) => p.provider)).toEqual(['VIRUSTOTAL']);
    expect(domainOut.providers.map((p) => p.provider)).toEqual(['VIRUSTOTAL']);
    for (const o of [ipOut, hashOut, urlOut, domainOut]) {
      for (const p of o.providers) expect(p.status).toBe('FETCHED');
    }
  });

  it('answers from the cache within the TTL (no provider call), and force calls again', async () => {
    const ip = randomPublicIp();
    await control(sandboxOf(hub, 'abuseipdb'), 'PUT', `/indicators/${ip}`, { preset: 'malicious' });
    await control(sandboxOf(hub, 'virustotal'), 'PUT', `/indicators/${ip}`, { preset: 'suspicious' });
    const [first] = await hub.services.enrichment.enrich({ indicators: [{ type: 'IPV4', value: ip }] });
    expect(provider(first, 'ABUSEIPDB')).toMatchObject({ status: 'FETCHED', verdict: 'MALICIOUS' });
    expect(provider(first, 'VIRUSTOTAL')).toMatchObject({ status: 'FETCHED', verdict: 'SUSPICIOUS' });
    expect(first.verdict).toBe('MALICIOUS');
    expect(first.score).toBe(Math.max(provider(first, 'ABUSEIPDB').score!, provider(first, 'VIRUSTOTAL').score ?? 0));

    const abuse = await lastSeq(hub, 'abuseipdb');
    const vt = await lastSeq(hub, 'virustotal');
    const [second] = await hub.services.enrichment.enrich({ indicators: [{ type: 'IPV4', value: ip }] });
    expect(second.providers.map((p) => p.status)).toEqual(['CACHED', 'CACHED']);
    expect(provider(second, 'ABUSEIPDB').enrichmentId).toBe(provider(first, 'ABUSEIPDB').enrichmentId);
    expect(await callsTo(hub, 'abuseipdb', abuse)).toHaveLength(0);
    expect(await callsTo(hub, 'virustotal', vt)).toHaveLength(0);

    const [forced] = await hub.services.enrichment.enrich({ indicators: [{ type: 'IPV4', value: ip }], force: true });
    expect(forced.providers.map((p) => p.status)).toEqual(['FETCHED', 'FETCHED']);
    expect((await callsTo(hub, 'abuseipdb', abuse)).filter((c) => c.query.ipAddress === ip)).toHaveLength(1);
    expect((await callsTo(hub, 'virustotal', vt)).filter((c) => c.path.includes(ip))).toHaveLength(1);
  });

  it('stores a not-found answer as UNKNOWN, fresh for a shorter time than a real answer', async () => {
    const hash = randomSha256();
    await control(sandboxOf(hub, 'virustotal'), 'PUT', `/indicators/${hash}`, { preset: 'not-found' });
    await control(sandboxOf(hub, 'hybrid-analysis'), 'PUT', `/indicators/${hash}`, { preset: 'malicious' });
    const [out] = await hub.services.enrichment.enrich({ indicators: [{ type: 'SHA256', value: hash }] });
    const vt = provider(out, 'VIRUSTOTAL');
    const ha = provider(out, 'HYBRID_ANALYSIS');
    expect(vt).toMatchObject({ status: 'FETCHED', verdict: 'UNKNOWN', score: null });
    expect(ha).toMatchObject({ status: 'FETCHED', verdict: 'MALICIOUS' });
    const vtTtl = vt.expiresAt!.getTime() - vt.fetchedAt!.getTime();
    const haTtl = ha.expiresAt!.getTime() - ha.fetchedAt!.getTime();
    expect(haTtl).toBe(24 * 3600 * 1000);
    expect(vtTtl).toBe(6 * 3600 * 1000);
    const row = await hub.services.dataSource.getRepository(EnrichmentEntity).findOneByOrFail({ id: vt.enrichmentId! });
    expect(row).toMatchObject({ verdict: 'UNKNOWN', notFound: true, source: 'virustotal' });
    expect(out.verdict).toBe('MALICIOUS');
  });

  it('re-asks a not-found answer once its shorter TTL has passed, and not before', async () => {
    setSettings(hub, 'virustotal', { notFoundCacheTtlSeconds: 1 });
    try {
      const hash = randomSha256();
      await control(sandboxOf(hub, 'virustotal'), 'PUT', `/indicators/${hash}`, { preset: 'not-found' });
      await control(sandboxOf(hub, 'hybrid-analysis'), 'PUT', `/indicators/${hash}`, { preset: 'clean' });
      const ref = { type: 'SHA256' as const, value: hash };
      await hub.services.enrichment.enrich({ indicators: [ref] });
      const [cached] = await hub.services.enrichment.enrich({ indicators: [ref] });
      expect(provider(cached, 'VIRUSTOTAL').status).toBe('CACHED');
      await new Promise((r) => setTimeout(r, 1100));
      const [again] = await hub.services.enrichment.enrich({ indicators: [ref] });
      expect(provider(again, 'VIRUSTOTAL').status).toBe('FETCHED');
      expect(provider(again, 'HYBRID_ANALYSIS').status).toBe('CACHED');
    } finally {
      setSettings(hub, 'virustotal', { notFoundCacheTtlSeconds: undefined });
    }
  });

  it('a provider down leaves the others enriching; its look-up is FAILED, nothing stored, and retried next time', async () => {
    const ip = randomPublicIp();
    await control(sandboxOf(hub, 'abuseipdb'), 'PUT', `/indicators/${ip}`, { preset: 'suspicious' });
    await control(sandboxOf(hub, 'virustotal'), 'PUT', '/faults', { errorRate: 1, errorStatus: 503 });
    let out: IndicatorOutcome;
    try {
      [out] = await hub.services.enrichment.enrich({ indicators: [{ type: 'IPV4', value: ip }] });
    } finally {
      await control(sandboxOf(hub, 'virustotal'), 'DELETE', '/faults');
    }
    expect(provider(out, 'ABUSEIPDB')).toMatchObject({ status: 'FETCHED', verdict: 'SUSPICIOUS' });
    const vt = provider(out, 'VIRUSTOTAL');
    expect(vt).toMatchObject({ status: 'FAILED', verdict: null, enrichmentId: null });
    expect(vt.error).toMatch(/VIRUSTOTAL.*503/);
    expect(out.verdict).toBe('SUSPICIOUS');
    const rows = await hub.services.dataSource.getRepository(EnrichmentEntity).findBy({ indicatorId: out.indicatorId });
    expect(rows.map((r) => r.provider)).toEqual(['ABUSEIPDB']);

    const vtSeq = await lastSeq(hub, 'virustotal');
    const [retried] = await hub.services.enrichment.enrich({ indicators: [{ type: 'IPV4', value: ip }] });
    expect(provider(retried, 'ABUSEIPDB').status).toBe('CACHED');
    expect(provider(retried, 'VIRUSTOTAL').status).toBe('FETCHED');
    expect(await callsTo(hub, 'virustotal', vtSeq)).toHaveLength(1);
  });

  it('concurrent requests for the same indicator share one call', async () => {
    const hash = randomMd5();
    const vtSeq = await lastSeq(hub, 'virustotal');
    const haSeq = await lastSeq(hub, 'hybrid-analysis');
    const results = await Promise.all(Array.from({ length: 8 }, () =>
      hub.services.enrichment.enrich({ indicators: [{ type: 'MD5', value: hash.toUpperCase() }] })));
    const vtCalls = (await callsTo(hub, 'virustotal', vtSeq)).filter((c) => c.path.includes(hash));
    expect(vtCalls).toHaveLength(1);
    // Hybrid Analysis: an md5 costs a search then (when known) an overview — one look-up, at most 2 calls.
    const haCalls = (await callsTo(hub, 'hybrid-analysis', haSeq)).filter((c) => c.query.hash === hash || c.path.includes('overview'));
    expect(haCalls.length).toBeGreaterThanOrEqual(1);
    expect(haCalls.length).toBeLessThanOrEqual(2);
    const ids = new Set(results.map(([o]) => provider(o, 'VIRUSTOTAL').enrichmentId));
    expect(ids.size).toBe(1);
    expect(results.every(([o]) => o.value === hash)).toBe(true);
  });

  it('does not send an indicator above a provider\'s maxTlp (SKIPPED_TLP), and sends it to those that allow it', async () => {
    setSettings(hub, 'virustotal', { maxTlp: 'GREEN' });
    try {
      const ip = randomPublicIp();
      const vtSeq = await lastSeq(hub, 'virustotal');
      const [amber] = await hub.services.enrichment.enrich({ indicators: [{ type: 'IPV4', value: ip }], tlp: 'AMBER' });
      expect(provider(amber, 'VIRUSTOTAL')).toMatchObject({ status: 'SKIPPED_TLP', verdict: null });
      expect(provider(amber, 'VIRUSTOTAL').error).toMatch(/TLP:AMBER.*TLP:GREEN/);
      expect(provider(amber, 'ABUSEIPDB').status).toBe('FETCHED');
      expect((await callsTo(hub, 'virustotal', vtSeq)).filter((c) => c.path.includes(ip))).toHaveLength(0);

      const [red] = await hub.services.enrichment.enrich({ indicators: [{ type: 'IPV4', value: randomPublicIp() }], tlp: 'RED' });
      expect(red.providers.map((p) => p.status)).toEqual(['SKIPPED_TLP', 'SKIPPED_TLP']);
      expect(red.verdict).toBe('UNKNOWN');
    } finally {
      setSettings(hub, 'virustotal', { maxTlp: 'AMBER' });
    }
  });

  it('keeps the aggregated verdict and score on the indicator (the graph reads it) and publishes ENRICHED', async () => {
    const ip = randomPublicIp();
    await control(sandboxOf(hub, 'abuseipdb'), 'PUT', `/indicators/${ip}`, { preset: 'clean' });
    await control(sandboxOf(hub, 'virustotal'), 'PUT', `/indicators/${ip}`, { preset: 'malicious' });
    const [out] = await hub.services.enrichment.enrich({ indicators: [{ type: 'IPV4', value: ip }] });
    const stored = await hub.services.dataSource.getRepository(IndicatorEntity).findOneByOrFail({ id: out.indicatorId });
    expect(stored).toMatchObject({ verdict: 'MALICIOUS', score: out.score });
    const events = await hub.services.dataSource.query(`SELECT kind, message, details FROM sync_event WHERE kind = 'ENRICHED' AND details->>'value' = $1`, [ip]);
    expect(events).toHaveLength(1);
    expect(events[0].details.providers).toHaveLength(2);
  });
});
