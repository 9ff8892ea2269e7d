import { abuseIpdbManifest } from '../../src/sources/abuseipdb/manifest.js';
import { AbuseIpdbClient } from '../../src/sources/abuseipdb/client.js';
import { createAbuseIpdbSandbox } from '../../src/sandbox/abuseipdb/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { VendorHttp } from '../../src/sources/http/vendor-http.js';
import { VendorError } from '../../src/sources/http/vendor-error.js';
import type { SourceConfig } from '../../src/sources/source-config.js';
import { ABUSEIPDB } from '../../src/sources/abuseipdb/vendor-id.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createAbuseIpdbSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => fetch(`${sandbox.origin}/__sandbox/reset`, { method: 'POST' }));

function source(overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    name: 'abuseipdb-test', vendor: ABUSEIPDB, baseUrl: sandbox.apiUrl, enabled: true, sandbox: true, tlsVerify: true,
    pollIntervalSeconds: 0, timeoutMs: 2000, credentials: { ...sandbox.credentials }, settings: {}, ...overrides,
  };
}

function control(method: string, path: string, body?: unknown) {
  return fetch(`${sandbox.origin}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The same client on fast backoffs, for the retry paths. */
function fastClient(timeoutMs = 2000) {
  const http = new VendorHttp({
    vendor: ABUSEIPDB, sourceName: 'abuseipdb-fast', baseUrl: sandbox.apiUrl, timeoutMs, retries: 2, backoffLimitMs: 50,
    authenticate: (request) => { request.headers.set('Key', sandbox.credentials.apiKey!); },
  });
  return new AbuseIpdbClient(http);
}

const checks = () => sandbox.calls.list({ path: '/check$' });

describe('AbuseIPDB enricher', () => {
  it('defaults its settings to the free tier, a day of cache and TLP:AMBER at most; a budget can be lifted', () => {
    expect(abuseIpdbManifest.settingsSchema.parse({})).toEqual({ quota: { perMinute: null, perHour: null, perDay: 1000 }, cacheTtlSeconds: 86400, maxTlp: 'AMBER', maxAgeInDays: 30, suspiciousScore: 20, maliciousScore: 80 });
    expect(abuseIpdbManifest.settingsSchema.parse({ quota: { perDay: null }, maxTlp: 'GREEN' })).toMatchObject({ quota: { perDay: null }, maxTlp: 'GREEN' });
    expect(() => abuseIpdbManifest.settingsSchema.parse({ maxTlp: 'WHITE' })).toThrow();
  });

  it('calls /check once, verbose, with the Key header and the configured window, and maps a reported IP to MALICIOUS', async () => {
    await control('PUT', '/indicators/203.0.113.7', { preset: 'malicious', countryCode: 'CN', isp: 'Tencent Cloud Computing (Beijing) Co. Ltd', usageType: 'Data Center/Web Hosting/Transit' });
    const health = new SourceHealthTracker();
    const enricher = abuseIpdbManifest.createClient(source({ settings: { maxAgeInDays: 90 } }), { health });

    const result = await enricher.enrich({ type: 'IPV4', value: '203.0.113.7' });

    expect(result).toMatchObject({ verdict: 'MALICIOUS', score: 100, notFound: false, link: 'https://www.abuseipdb.com/check/203.0.113.7' });
    expect(result.summary).toBe('AbuseIPDB: 203.0.113.7 abuse confidence 100%, 412 reports by 97 users in the last 90 days '
      + '(CN, Tencent Cloud Computing (Beijing) Co. Ltd, Data Center/Web Hosting/Transit); mostly SSH, Brute-Force, Port Scan');
    expect(result.details).toMatchObject({ totalReports: 412, countryName: 'China', categories: expect.arrayContaining([expect.objectContaining({ id: 22, name: 'SSH' })]) });
    expect(checks()).toHaveLength(1);
    expect(checks()[0]!.query).toEqual({ ipAddress: '203.0.113.7', maxAgeInDays: '90', verbose: 'true' });
    expect(health.get('abuseipdb-test').status).toBe('HEALTHY');
  });

  it('maps an unreported IP to UNKNOWN/notFound and a whitelisted one to HARMLESS', async () => {
    await control('PUT', '/indicators/198.51.100.1', { preset: 'not-found' });
    await control('PUT', '/indicators/8.8.8.8', { preset: 'clean' });
    const enricher = abuseIpdbManifest.createClient(source(), { health: new SourceHealthTracker() });

    expect(await enricher.enrich({ type: 'IPV4', value: '198.51.100.1' })).toMatchObject({ verdict: 'UNKNOWN', notFound: true, score: null });
    expect(await enricher.enrich({ type: 'IPV4', value: '8.8.8.8' })).toMatchObject({ verdict: 'HARMLESS', notFound: false, score: 0 });
  });

  it('applies the configured score thresholds', async () => {
    await control('PUT', '/indicators/203.0.113.8', { preset: 'suspicious', abuseConfidenceScore: 60 });
    const strict = abuseIpdbManifest.createClient(source({ settings: { maliciousScore: 50 } }), { health: new SourceHealthTracker() });
    const lenient = abuseIpdbManifest.createClient(source(), { health: new SourceHealthTracker() });
    expect((await strict.enrich({ type: 'IPV4', value: '203.0.113.8' })).verdict).toBe('MALICIOUS');
    expect((await lenient.enrich({ type: 'IPV4', value: '203.0.113.8' })).verdict).toBe('SUSPICIOUS');
  });

  it('surfaces an exhausted daily quota at once as UPSTREAM_UNAVAILABLE 429 with the Retry-After, without retrying', async () => {
    await control('PUT', '/quota', { perDay: 1 });
    const health = new SourceHealthTracker();
    const enricher = abuseIpdbManifest.createClient(source(), { health });
    await enricher.enrich({ type: 'IPV4', value: '192.0.2.1' });

    const error = await enricher.enrich({ type: 'IPV4', value: '192.0.2.2' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 429 });
    const secondsToMidnight = Math.ceil((Math.ceil(Date.now() / 86_400_000) * 86_400_000 - Date.now()) / 1000);
    expect((error as VendorError).retryAfterSeconds).toBeGreaterThanOrEqual(secondsToMidnight - 2);
    expect((error as VendorError).retryAfterSeconds).toBeLessThanOrEqual(secondsToMidnight + 2);
    expect(checks().map((c) => c.status)).toEqual([200, 429]);
  });

  it('fails with UPSTREAM_AUTH on a wrong key, after one call, and never leaks the key', async () => {
    const enricher = abuseIpdbManifest.createClient(source({ credentials: { apiKey: 'wrong-key-123456' } }), { health: new SourceHealthTracker() });
    const error = await enricher.enrich({ type: 'IPV4', value: '192.0.2.3' }).catch((e: unknown) => e) as VendorError;
    expect(error).toMatchObject({ code: 'UPSTREAM_AUTH', status: 401 });
    expect(error.message).not.toContain('wrong-key-123456');
    expect(checks()).toHaveLength(1);
  });

  it('refuses indicator types AbuseIPDB cannot look up, without calling it', async () => {
    const enricher = abuseIpdbManifest.createClient(source(), { health: new SourceHealthTracker() });
    await expect(enricher.enrich({ type: 'DOMAIN', value: 'example.com' })).rejects.toThrow(TypeError);
    expect(checks()).toHaveLength(0);
  });

  it('recovers from a 503 and from a malformed body by retrying', async () => {
    await control('PUT', '/faults', { next: [{ status: 503 }, { malformed: true }] });
    const check = await fastClient().checkIp('192.0.2.4');
    expect(check.ipAddress).toBe('192.0.2.4');
    expect(checks().map((c) => c.status)).toEqual([503, 200, 200]);
  });

  it('times out a hung call and succeeds on the retry', async () => {
    await control('PUT', '/faults', { next: [{ hangMs: 2000 }] });
    const check = await fastClient(300).checkIp('192.0.2.5');
    expect(check.ipAddress).toBe('192.0.2.5');
    // The hung request never finished, so only the retry is in the log.
    expect(checks().map((c) => c.status)).toEqual([200]);
  });

  it('gives up with UPSTREAM_UNAVAILABLE when every attempt fails', async () => {
    await control('PUT', '/faults', { errorRate: 1, errorStatus: 502 });
    const error = await fastClient().checkIp('192.0.2.6').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 502 });
    expect(checks()).toHaveLength(3);
  });
});
