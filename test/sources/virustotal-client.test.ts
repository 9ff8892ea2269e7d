import { virusTotalManifest } from '../../src/sources/virustotal/manifest.js';
import { VirusTotalClient, virusTotalUrlId } from '../../src/sources/virustotal/client.js';
import { createVirusTotalSandbox } from '../../src/sandbox/virustotal/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { VendorHttp } from '../../src/sources/http/vendor-http.js';
import type { VendorError } from '../../src/sources/http/vendor-error.js';
import type { SourceConfig } from '../../src/sources/source-config.js';
import { VIRUSTOTAL } from '../../src/sources/virustotal/vendor-id.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createVirusTotalSandbox());
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await fetch(`${sandbox.origin}/__sandbox/reset`, { method: 'POST' });
  await control('PUT', '/quota', {});
});

function source(overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    name: 'vt-test', vendor: VIRUSTOTAL, baseUrl: sandbox.apiUrl, enabled: true, sandbox: true, tlsVerify: true,
    pollIntervalSeconds: 0, timeoutMs: 2000, credentials: { ...sandbox.credentials }, settings: {}, ...overrides,
  };
}

function control(method: string, path: string, body?: unknown) {
  return fetch(`${sandbox.origin}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The same client on fast backoffs, for the retry paths. */
function fastClient(timeoutMs = 2000) {
  return new VirusTotalClient(new VendorHttp({
    vendor: VIRUSTOTAL, sourceName: 'vt-fast', baseUrl: sandbox.apiUrl, timeoutMs, retries: 2, backoffLimitMs: 50,
    authenticate: (request) => { request.headers.set('x-apikey', sandbox.credentials.apiKey!); },
  }));
}

const vtCalls = () => sandbox.calls.list({ path: '^/api/v3/' });

describe('VirusTotal enricher', () => {
  it('defaults its settings to the free tier, a day of cache and TLP:AMBER at most; a budget can be lifted', () => {
    expect(virusTotalManifest.settingsSchema.parse({})).toEqual({ quota: { perMinute: 4, perHour: null, perDay: 500 }, cacheTtlSeconds: 86400, maxTlp: 'AMBER', maliciousThreshold: 10 });
    expect(virusTotalManifest.settingsSchema.parse({ quota: { perDay: null }, maxTlp: 'GREEN' })).toMatchObject({ quota: { perDay: null }, maxTlp: 'GREEN' });
    expect(() => virusTotalManifest.settingsSchema.parse({ maxTlp: 'WHITE' })).toThrow();
  });

  const enricher = () => virusTotalManifest.createClient(source(), { health: new SourceHealthTracker() });

  it('looks an IP up and reads the engine counts as a verdict and a detection ratio', async () => {
    await control('PUT', '/indicators/203.0.113.7', { stats: { malicious: 12, suspicious: 1, harmless: 50, undetected: 30, timeout: 2 }, reputation: -33 });
    const result = await enricher().enrich({ type: 'IPV4', value: '203.0.113.7' });
    expect(result).toMatchObject({ verdict: 'MALICIOUS', score: 13, notFound: false, link: 'https://www.virustotal.com/gui/ip-address/203.0.113.7' });
    expect(result.summary).toMatch(/^VirusTotal: 203\.0\.113\.7 12\/93 engines flag it malicious, 1 suspicious; AS\d+ .+ \([A-Z]{2}\); reputation -33$/);
    expect(result.details).toMatchObject({ type: 'ip_address', stats: { malicious: 12 }, reputation: -33 });
    expect((result.details.flaggedBy as string[]).length).toBe(10);
    expect(vtCalls().map((c) => c.path)).toEqual(['/api/v3/ip_addresses/203.0.113.7']);
  });

  it('asks for a URL by its unpadded base64url id', async () => {
    const url = 'https://example.com/login?next=/a&b=c';
    expect(virusTotalUrlId(url)).toBe('aHR0cHM6Ly9leGFtcGxlLmNvbS9sb2dpbj9uZXh0PS9hJmI9Yw');
    await control('PUT', `/indicators/${encodeURIComponent(url)}`, { preset: 'suspicious' });
    const result = await enricher().enrich({ type: 'URL', value: url });
    expect(result.verdict).toBe('SUSPICIOUS');
    expect(result.link).toMatch(/^https:\/\/www\.virustotal\.com\/gui\/url\/[0-9a-f]{64}$/);
    expect(vtCalls()[0]!.path).toBe('/api/v3/urls/aHR0cHM6Ly9leGFtcGxlLmNvbS9sb2dpbj9uZXh0PS9hJmI9Yw');
  });

  it('maps files, domains and clean objects, and treats a 404 as notFound rather than an error', async () => {
    const md5 = '44d88612fea8a8f36de82e1278abb02f';
    await control('PUT', `/indicators/${md5}`, { preset: 'malicious', attributes: { meaningful_name: 'eicar.com' } });
    await control('PUT', '/indicators/intranet.example.com', { preset: 'clean' });
    await control('PUT', '/indicators/never-seen.example.org', { preset: 'not-found' });

    const file = await enricher().enrich({ type: 'MD5', value: md5 });
    expect(file).toMatchObject({ verdict: 'MALICIOUS', notFound: false, details: { md5, meaningfulName: 'eicar.com' } });
    expect(file.link).toBe(`https://www.virustotal.com/gui/file/${file.details.sha256}`);
    expect(await enricher().enrich({ type: 'DOMAIN', value: 'intranet.example.com' })).toMatchObject({ verdict: 'HARMLESS', score: 0 });
    const health = new SourceHealthTracker();
    const missing = await virusTotalManifest.createClient(source(), { health }).enrich({ type: 'DOMAIN', value: 'never-seen.example.org' });
    expect(missing).toEqual({ verdict: 'UNKNOWN', score: null, summary: 'VirusTotal: no record of never-seen.example.org', details: {}, link: null, notFound: true });
    expect(health.get('vt-test').status).toBe('HEALTHY');
  });

  it('honours the configured malicious-engine threshold', async () => {
    await control('PUT', '/indicators/198.51.100.4', { stats: { malicious: 4, harmless: 60, undetected: 20 } });
    const strict = virusTotalManifest.createClient(source({ settings: { maliciousThreshold: 3 } }), { health: new SourceHealthTracker() });
    expect((await strict.enrich({ type: 'IPV4', value: '198.51.100.4' })).verdict).toBe('MALICIOUS');
    expect((await enricher().enrich({ type: 'IPV4', value: '198.51.100.4' })).verdict).toBe('SUSPICIOUS');
  });

  it('surfaces QuotaExceededError at once as UPSTREAM_UNAVAILABLE 429 (VT gives no wait hint)', async () => {
    await control('PUT', '/quota', { perMinute: 1 });
    const client = enricher();
    await client.enrich({ type: 'IPV4', value: '192.0.2.1' });
    const error = await client.enrich({ type: 'IPV4', value: '192.0.2.2' }).catch((e: unknown) => e) as VendorError;
    expect(error).toMatchObject({ name: 'VendorError', code: 'UPSTREAM_UNAVAILABLE', status: 429, retryAfterSeconds: undefined });
    expect(error.message).toContain('QuotaExceededError');
    expect(vtCalls().map((c) => c.status)).toEqual([200, 429]);
  });

  it('fails with UPSTREAM_AUTH on a wrong key after one call', async () => {
    const wrong = virusTotalManifest.createClient(source({ credentials: { apiKey: 'wrong-vt-key-0000' } }), { health: new SourceHealthTracker() });
    const error = await wrong.enrich({ type: 'IPV4', value: '192.0.2.3' }).catch((e: unknown) => e) as VendorError;
    expect(error).toMatchObject({ code: 'UPSTREAM_AUTH', status: 401 });
    expect(error.message).not.toContain('wrong-vt-key-0000');
    expect(vtCalls()).toHaveLength(1);
  });

  it('reports a data object that breaks the wire shape as UPSTREAM_BAD_RESPONSE naming the field', async () => {
    await control('PUT', '/indicators/192.0.2.77', { attributes: { asn: 'not-a-number' } });
    const error = await enricher().enrich({ type: 'IPV4', value: '192.0.2.77' }).catch((e: unknown) => e) as VendorError;
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(error.message).toContain('data.attributes.asn');
  });

  it('retries a TransientError 503, a malformed body and a hung call, then answers', async () => {
    await control('PUT', '/faults', { next: [{ status: 503 }, { malformed: true }, { hangMs: 2000 }] });
    const ip = await fastClient(300).getIpAddress('192.0.2.5');
    expect(ip?.id).toBe('192.0.2.5');
    expect(vtCalls().map((c) => c.status)).toEqual([503, 200, 200]);
  });

  it('gives up with UPSTREAM_UNAVAILABLE when every attempt fails', async () => {
    await control('PUT', '/faults', { errorRate: 1, errorStatus: 504 });
    const error = await fastClient().getDomain('example.com').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 504 });
    expect(vtCalls()).toHaveLength(3);
  });
});
