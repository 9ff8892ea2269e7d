import { hybridAnalysisManifest } from '../../src/sources/hybrid-analysis/manifest.js';
import { HybridAnalysisClient } from '../../src/sources/hybrid-analysis/client.js';
import { createHybridAnalysisSandbox } from '../../src/sandbox/hybrid-analysis/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { VendorHttp } from '../../src/sources/http/vendor-http.js';
import type { VendorError } from '../../src/sources/http/vendor-error.js';
import type { SourceConfig } from '../../src/sources/source-config.js';
import { HYBRID_ANALYSIS } from '../../src/sources/hybrid-analysis/vendor-id.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createHybridAnalysisSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => fetch(`${sandbox.origin}/__sandbox/reset`, { method: 'POST' }));

function source(overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    name: 'ha-test', vendor: HYBRID_ANALYSIS, baseUrl: sandbox.apiUrl, enabled: true, sandbox: true, tlsVerify: true,
    pollIntervalSeconds: 0, timeoutMs: 2000, credentials: { ...sandbox.credentials }, settings: {}, ...overrides,
  };
}

function control(method: string, path: string, body?: unknown) {
  return fetch(`${sandbox.origin}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The same client on fast backoffs, for the retry paths. */
function fastClient(timeoutMs = 2000) {
  return new HybridAnalysisClient(new VendorHttp({
    vendor: HYBRID_ANALYSIS, sourceName: 'ha-fast', baseUrl: sandbox.apiUrl, timeoutMs, retries: 2, backoffLimitMs: 50,
    authenticate: (request) => { request.headers.set('api-key', sandbox.credentials.apiKey!); },
  }));
}

const haCalls = () => sandbox.calls.list({ path: '^/api/v2/' });
const EICAR_MD5 = '44d88612fea8a8f36de82e1278abb02f';

describe('Hybrid Analysis enricher', () => {
  it('defaults its settings to the free tier, a day of cache and TLP:AMBER at most; a budget can be lifted', () => {
    expect(hybridAnalysisManifest.settingsSchema.parse({})).toEqual({ quota: { perMinute: 200, perHour: 2000, perDay: null }, cacheTtlSeconds: 86400, maxTlp: 'AMBER' });
    expect(hybridAnalysisManifest.settingsSchema.parse({ quota: { perDay: null }, maxTlp: 'GREEN' })).toMatchObject({ quota: { perDay: null }, maxTlp: 'GREEN' });
    expect(() => hybridAnalysisManifest.settingsSchema.parse({ maxTlp: 'WHITE' })).toThrow();
  });

  const enricher = () => hybridAnalysisManifest.createClient(source(), { health: new SourceHealthTracker() });

  it('resolves an md5 through the hash search, then reads the overview: two calls', async () => {
    await control('PUT', `/indicators/${EICAR_MD5}`, { preset: 'malicious', threat_score: 100, av_detect: 87, vx_family: 'Trojan.Generic', last_file_name: 'invoice.exe' });
    const result = await enricher().enrich({ type: 'MD5', value: EICAR_MD5 });
    const sha256 = result.details.sha256 as string;
    expect(result).toMatchObject({ verdict: 'MALICIOUS', score: 100, notFound: false, link: `https://hybrid-analysis.com/sample/${sha256}` });
    expect(result.summary).toBe(`Hybrid Analysis: invoice.exe (${sha256}) malicious, threat score 100/100, family Trojan.Generic, AV detection 87%, `
      + `${result.details.type}`);
    expect(haCalls().map((c) => [c.path, c.query])).toEqual([
      ['/api/v2/search/hash', { hash: EICAR_MD5 }],
      [`/api/v2/overview/${sha256}`, {}],
    ]);
    expect(enricher().callCost('MD5')).toBe(2);
  });

  it('goes straight to the overview for a sha256: one call', async () => {
    const sha256 = 'e3'.repeat(32);
    await control('PUT', `/indicators/${sha256}`, { preset: 'clean' });
    expect(await enricher().enrich({ type: 'SHA256', value: sha256 })).toMatchObject({ verdict: 'HARMLESS', notFound: false });
    expect(haCalls()).toHaveLength(1);
    expect(enricher().callCost('SHA256')).toBe(1);
  });

  it('maps whitelisted to HARMLESS, suspicious to SUSPICIOUS, and an unknown hash to notFound without a second call', async () => {
    await control('PUT', `/indicators/${'a1'.repeat(20)}`, { preset: 'suspicious' });
    await control('PUT', `/indicators/${'b2'.repeat(20)}`, { preset: 'clean', verdict: 'whitelisted' });
    await control('PUT', `/indicators/${'c3'.repeat(20)}`, { preset: 'not-found' });
    expect((await enricher().enrich({ type: 'SHA1', value: 'a1'.repeat(20) })).verdict).toBe('SUSPICIOUS');
    expect((await enricher().enrich({ type: 'SHA1', value: 'b2'.repeat(20) })).verdict).toBe('HARMLESS');
    await control('DELETE', '/calls');
    expect(await enricher().enrich({ type: 'SHA1', value: 'c3'.repeat(20) }))
      .toEqual({ verdict: 'UNKNOWN', score: null, summary: `Hybrid Analysis: no analysis of ${'c3'.repeat(20)}`, details: {}, link: null, notFound: true, callsSpent: 1 });
    expect(haCalls()).toHaveLength(1);
  });

  it('a 404 that is not "hash not found" (wrong base URL) is a failure, not an unknown sample', async () => {
    const misconfigured = hybridAnalysisManifest.createClient(source({ baseUrl: `${sandbox.apiUrl}/v2-typo` }), { health: new SourceHealthTracker() });
    await expect(misconfigured.enrich({ type: 'SHA256', value: 'e3'.repeat(32) })).rejects.toMatchObject({ code: 'UPSTREAM_NOT_FOUND' });
  });

  it('reads the key and its windows from /key/current', async () => {
    const { key, limits } = await enricher().client.currentKey();
    expect(key.auth_level_name).toBe('restricted');
    expect(limits).toEqual({ limits: { minute: 200, hour: 2000 }, used: { minute: 1, hour: 1 }, limit_reached: false });
  });

  it('surfaces a spent window at once as UPSTREAM_UNAVAILABLE 429, the wait read from api-limits', async () => {
    await control('PUT', '/quota', { perMinute: 1, perHour: 100 });
    const client = enricher();
    await client.enrich({ type: 'SHA256', value: 'e3'.repeat(32) });
    const error = await client.enrich({ type: 'SHA256', value: 'e4'.repeat(32) }).catch((e: unknown) => e) as VendorError;
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 429, retryAfterSeconds: 60 });
    expect(haCalls().map((c) => c.status)).toEqual([expect.any(Number), 429]);

    await control('PUT', '/quota', { perHour: 1 });
    await client.enrich({ type: 'SHA256', value: 'e3'.repeat(32) });
    await expect(client.enrich({ type: 'SHA256', value: 'e3'.repeat(32) })).rejects.toMatchObject({ status: 429, retryAfterSeconds: 3600 });
  });

  it('fails with UPSTREAM_AUTH on a wrong key, without leaking it', async () => {
    const wrong = hybridAnalysisManifest.createClient(source({ credentials: { apiKey: 'wrong-ha-key-000' } }), { health: new SourceHealthTracker() });
    const error = await wrong.enrich({ type: 'SHA256', value: 'e3'.repeat(32) }).catch((e: unknown) => e) as VendorError;
    expect(error).toMatchObject({ code: 'UPSTREAM_AUTH', status: 403 });
    expect(error.message).not.toContain('wrong-ha-key-000');
  });

  it('retries a 500, a malformed body and a hung call, then answers', async () => {
    await control('PUT', '/indicators/' + 'e3'.repeat(32), { preset: 'malicious' });
    await control('PUT', '/faults', { next: [{ status: 500 }, { malformed: true }, { hangMs: 2000 }] });
    const overview = await fastClient(300).getOverview('e3'.repeat(32));
    expect(overview?.verdict).toBe('malicious');
    expect(haCalls().map((c) => c.status)).toEqual([500, 200, 200]);
  });

  it('gives up with UPSTREAM_UNAVAILABLE when every attempt fails', async () => {
    await control('PUT', '/faults', { errorRate: 1, errorStatus: 503 });
    await expect(fastClient().searchHash(EICAR_MD5)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    expect(haCalls()).toHaveLength(3);
  });
});
