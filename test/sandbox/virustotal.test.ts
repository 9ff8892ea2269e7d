import { createVirusTotalSandbox } from '../../src/sandbox/virustotal/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';

let sandbox: RunningSandbox;
let key: string;

beforeAll(async () => {
  sandbox = await startSandbox(createVirusTotalSandbox());
  key = sandbox.credentials.apiKey!;
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await fetch(`${sandbox.origin}/__sandbox/reset`, { method: 'POST' });
  await control('PUT', '/quota', {}); // unmetered unless a test says otherwise
});

function vt(path: string, headers: Record<string, string> = { 'x-apikey': key }) {
  return fetch(`${sandbox.apiUrl}${path}`, { headers });
}

function control(method: string, path: string, body?: unknown) {
  return fetch(`${sandbox.origin}/__sandbox${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Vendor JSON, loosely typed: the assertions say what it must hold. */
async function jsonOf(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}

const urlId = (url: string) => Buffer.from(url).toString('base64url');

describe('VirusTotal sandbox', () => {
  it('requires x-apikey: AuthenticationRequiredError when missing, WrongCredentialsError when unknown', async () => {
    const missing = await vt('/ip_addresses/8.8.8.8', {});
    expect(missing.status).toBe(401);
    expect(await jsonOf(missing)).toEqual({ error: { code: 'AuthenticationRequiredError', message: 'X-Apikey header is missing' } });
    const wrong = await vt('/ip_addresses/8.8.8.8', { 'x-apikey': 'nope' });
    expect(wrong.status).toBe(401);
    expect((await jsonOf(wrong)).error.code).toBe('WrongCredentialsError');
  });

  it('answers an IP in the v3 object shape, with engine results that agree with the stats', async () => {
    await control('PUT', '/indicators/203.0.113.7', { preset: 'malicious' });
    const { data } = await jsonOf(vt('/ip_addresses/203.0.113.7'));
    expect(data).toMatchObject({ id: '203.0.113.7', type: 'ip_address', links: { self: `${sandbox.apiUrl}/ip_addresses/203.0.113.7` } });
    const a = data.attributes;
    expect(Object.keys(a.last_analysis_stats).sort()).toEqual(['harmless', 'malicious', 'suspicious', 'timeout', 'undetected']);
    expect(a.last_analysis_stats.malicious).toBeGreaterThanOrEqual(10);
    const results = Object.values(a.last_analysis_results) as { category: string }[];
    expect(results.filter((r) => r.category === 'malicious')).toHaveLength(a.last_analysis_stats.malicious);
    expect(results).toHaveLength(Object.values(a.last_analysis_stats as Record<string, number>).reduce((x, y) => x + y, 0));
    expect(a).toMatchObject({ as_owner: expect.any(String), asn: expect.any(Number), country: expect.any(String), reputation: expect.any(Number) });
    expect(a.last_analysis_date).toBeLessThan(Date.now() / 1000 + 1); // Unix seconds
  });

  it('finds a file by md5, sha1 or sha256, always answering with the sha256 id and the hyphenated file stats', async () => {
    const md5 = '44d88612fea8a8f36de82e1278abb02f';
    await control('PUT', `/indicators/${md5}`, { preset: 'malicious', attributes: { meaningful_name: 'eicar.com' } });
    const byMd5 = (await jsonOf(vt(`/files/${md5}`))).data;
    expect(byMd5.type).toBe('file');
    expect(byMd5.id).toMatch(/^[0-9a-f]{64}$/);
    expect(byMd5.attributes).toMatchObject({ md5, sha256: byMd5.id, meaningful_name: 'eicar.com' });
    expect(byMd5.attributes.last_analysis_stats).toHaveProperty('type-unsupported');
    expect(byMd5.attributes.last_analysis_stats).toHaveProperty('confirmed-timeout');
    for (const other of [byMd5.attributes.sha1, byMd5.id]) expect((await jsonOf(vt(`/files/${other}`))).data.id).toBe(byMd5.id);
  });

  it('rejects a malformed hash or IP with 400 InvalidArgumentError', async () => {
    for (const path of ['/files/xyz', '/files/abc123', '/ip_addresses/300.1.1.1']) {
      const res = await vt(path);
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).error.code).toBe('InvalidArgumentError');
    }
  });

  it('resolves a URL by its unpadded base64url id (canonicalising it) and by the SHA-256 id it answers with', async () => {
    await control('PUT', `/indicators/${encodeURIComponent('https://login.example.net/verify?a=1')}`, { preset: 'malicious' });
    expect(urlId('http://www.google.com/')).toBe('aHR0cDovL3d3dy5nb29nbGUuY29tLw');
    const { data } = await jsonOf(vt(`/urls/${urlId('HTTPS://Login.Example.net/verify?a=1')}`));
    expect(data).toMatchObject({ type: 'url', attributes: { url: 'https://login.example.net/verify?a=1' } });
    expect(data.id).toMatch(/^[0-9a-f]{64}$/);
    expect(data.attributes.last_analysis_stats.malicious).toBeGreaterThanOrEqual(10);
    expect((await jsonOf(vt(`/urls/${data.id}`))).data.attributes.url).toBe('https://login.example.net/verify?a=1');
    // A bare host gains its `/`, so both spellings are one object.
    const bare = (await jsonOf(vt(`/urls/${urlId('http://bare.example.org')}`)));
    const slashed = (await jsonOf(vt(`/urls/${urlId('http://bare.example.org/')}`)));
    expect(bare).toEqual(slashed);
  });

  it('answers 404 NotFoundError, quoting the id, for unknown objects and nonsense URL ids', async () => {
    await control('PUT', '/indicators/gone.example.com', { preset: 'not-found' });
    const domain = await vt('/domains/gone.example.com');
    expect(domain.status).toBe(404);
    expect(await jsonOf(domain)).toEqual({ error: { code: 'NotFoundError', message: 'Domain "gone.example.com" not found' } });
    const nonsense = await vt('/urls/thisurlidmakesnosenseatall');
    expect(await jsonOf(nonsense)).toEqual({ error: { code: 'NotFoundError', message: 'URL "thisurlidmakesnosenseatall" not found' } });
  });

  it('derives stable answers for unseeded indicators: some files unknown, some malicious', async () => {
    const hashes = Array.from({ length: 30 }, (_, i) => (i.toString(16).padStart(2, '0')).repeat(32));
    const statuses = await Promise.all(hashes.map(async (h) => (await vt(`/files/${h}`)).status));
    expect(statuses).toContain(404);
    expect(statuses).toContain(200);
    const again = await Promise.all(hashes.map(async (h) => (await vt(`/files/${h}`)).status));
    expect(again).toEqual(statuses);
    const found = await Promise.all(hashes.filter((_, i) => statuses[i] === 200).map(async (h) => (await jsonOf(vt(`/files/${h}`))).data.attributes.last_analysis_stats.malicious));
    expect(found.some((m) => m >= 10)).toBe(true);
    expect(found.some((m) => m === 0)).toBe(true);
  });

  it('spends the per-minute budget, then answers 429 QuotaExceededError without rate-limit headers', async () => {
    await control('PUT', '/quota', { perMinute: 4, perDay: 500 });
    for (let i = 0; i < 4; i += 1) expect((await vt(`/ip_addresses/192.0.2.${i + 1}`)).status).toBe(200);
    const refused = await vt('/ip_addresses/192.0.2.9');
    expect(refused.status).toBe(429);
    expect(await jsonOf(refused)).toEqual({ error: { code: 'QuotaExceededError', message: 'Quota exceeded' } });
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(await jsonOf(control('GET', '/quota'))).toMatchObject({ used: { minute: 4, day: 4 }, rateLimitedResponses: 1 });
    expect(sandbox.calls.list({ path: '^/api/v3/' }).map((c) => c.status)).toEqual([200, 200, 200, 200, 429]);
  });

  it('starts with the public-key quota (4/min, 500/day)', async () => {
    await control('POST', '/reset');
    expect((await jsonOf(control('GET', '/quota'))).limits).toEqual({ perMinute: 4, perDay: 500 });
  });

  it('answers an object it knows little about with null, absent or null-inside attributes (sparse)', async () => {
    await control('PUT', '/indicators/203.0.113.90', { preset: 'clean', sparse: 'null' });
    const nulls = (await jsonOf(vt('/ip_addresses/203.0.113.90'))).data;
    expect(nulls).toMatchObject({ id: '203.0.113.90', type: 'ip_address' });
    expect(nulls.attributes).toMatchObject({ as_owner: null, asn: null, country: null, network: null, last_analysis_stats: null });
    await control('PUT', '/indicators/203.0.113.90', { sparse: 'absent' });
    expect((await jsonOf(vt('/ip_addresses/203.0.113.90'))).data.attributes).toEqual({});
    await control('PUT', '/indicators/203.0.113.90', { sparse: 'null-leaves' });
    const leaves = (await jsonOf(vt('/ip_addresses/203.0.113.90'))).data.attributes;
    expect(leaves.as_owner).toBeNull();
    expect(Object.values(leaves.last_analysis_stats).every((v) => v === null)).toBe(true);
  });
});
