import { createAbuseIpdbSandbox } from '../../src/sandbox/abuseipdb/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';

let sandbox: RunningSandbox;
let key: string;

beforeAll(async () => {
  sandbox = await startSandbox(createAbuseIpdbSandbox());
  key = sandbox.credentials.apiKey!;
});
afterAll(() => sandbox.close());
beforeEach(() => fetch(`${sandbox.origin}/__sandbox/reset`, { method: 'POST' }));

function check(query: string, headers: Record<string, string> = { Key: key, Accept: 'application/json' }) {
  return fetch(`${sandbox.apiUrl}/check?${query}`, { headers });
}

/** Vendor JSON, loosely typed: the assertions say what it must hold. */
async function jsonOf(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}

function control(method: string, path: string, body?: unknown) {
  return fetch(`${sandbox.origin}/__sandbox${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('AbuseIPDB sandbox', () => {
  it('refuses a missing or wrong Key with the JSON:API 401 body, and accepts the discouraged key query parameter', async () => {
    for (const headers of [{}, { Key: 'not-the-key' }] as Record<string, string>[]) {
      const res = await check('ipAddress=203.0.113.7', headers);
      expect(res.status).toBe(401);
      const body = await jsonOf(res);
      expect(body.errors[0]).toEqual({ status: 401, detail: expect.stringContaining('APIv2 key differs from the APIv1 key') });
    }
    const viaQuery = await check(`ipAddress=203.0.113.7&key=${key}`, {});
    expect(viaQuery.status).toBe(200);
  });

  it('answers every valid IP with a record; countryName and reports only when verbose is present', async () => {
    const plain = await jsonOf(check('ipAddress=198.51.100.23'));
    expect(plain.data).toMatchObject({ ipAddress: '198.51.100.23', isPublic: true, ipVersion: 4 });
    expect(plain.data).not.toHaveProperty('countryName');
    expect(plain.data).not.toHaveProperty('reports');

    await control('PUT', '/indicators/198.51.100.23', { preset: 'malicious' });
    const verbose = await jsonOf(check('ipAddress=198.51.100.23&verbose'));
    expect(verbose.data).toMatchObject({ abuseConfidenceScore: 100, totalReports: 412, countryName: expect.any(String) });
    expect(verbose.data.reports.length).toBeGreaterThan(0);
    expect(verbose.data.reports[0]).toEqual({
      reportedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/), comment: expect.any(String),
      categories: expect.any(Array), reporterId: expect.any(Number), reporterCountryCode: expect.any(String), reporterCountryName: expect.any(String),
    });
    const times = verbose.data.reports.map((r: { reportedAt: string }) => Date.parse(r.reportedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('derives a stable answer for unseeded IPs, including never-reported ones with totalReports 0 (no 404)', async () => {
    const ips = Array.from({ length: 40 }, (_, i) => `192.0.2.${i + 1}`);
    const first = await Promise.all(ips.map(async (ip) => (await jsonOf(check(`ipAddress=${ip}`))).data));
    const again = await Promise.all(ips.map(async (ip) => (await jsonOf(check(`ipAddress=${ip}`))).data));
    expect(again.map((d) => [d.abuseConfidenceScore, d.totalReports])).toEqual(first.map((d) => [d.abuseConfidenceScore, d.totalReports]));
    const unreported = first.filter((d) => d.totalReports === 0);
    expect(unreported.length).toBeGreaterThan(0);
    expect(unreported.every((d) => d.abuseConfidenceScore === 0 && d.lastReportedAt === null)).toBe(true);
    expect(first.some((d) => d.abuseConfidenceScore >= 80)).toBe(true);
  });

  it('says private ranges are not public, and IPv6 is version 6', async () => {
    expect((await jsonOf(check('ipAddress=10.1.2.3'))).data).toMatchObject({ isPublic: false, abuseConfidenceScore: 0, usageType: 'Reserved' });
    expect((await jsonOf(check('ipAddress=2001:db8::7'))).data).toMatchObject({ ipVersion: 6 });
  });

  it('rejects a bad IP, a missing IP and an out-of-range maxAgeInDays with 422 naming the parameter', async () => {
    for (const [query, parameter] of [['ipAddress=999.1.1.1', 'ipAddress'], ['verbose', 'ipAddress'], ['ipAddress=8.8.8.8&maxAgeInDays=366', 'maxAgeInDays']]) {
      const res = await check(query!);
      expect(res.status).toBe(422);
      expect((await jsonOf(res)).errors[0]).toMatchObject({ status: 422, source: { parameter } });
    }
  });

  it('counts reports only inside maxAgeInDays', async () => {
    await control('PUT', '/indicators/203.0.113.50', { preset: 'suspicious', lastReportedHoursAgo: 24 * 10 });
    expect((await jsonOf(check('ipAddress=203.0.113.50&maxAgeInDays=30'))).data.totalReports).toBe(9);
    const narrow = (await jsonOf(check('ipAddress=203.0.113.50&maxAgeInDays=7'))).data;
    expect(narrow).toMatchObject({ totalReports: 0, abuseConfidenceScore: 0 });
  });

  it('meters authenticated calls against the daily budget, then answers 429 with Retry-After and the rate-limit headers', async () => {
    expect((await jsonOf(control('PUT', '/quota', { perDay: 2 }))).limits).toEqual({ perDay: 2 });
    expect((await check('ipAddress=8.8.8.8', {})).status).toBe(401); // unauthenticated calls are not counted
    const first = await check('ipAddress=8.8.8.8');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    const nextMidnight = Math.ceil(Date.now() / 86_400_000) * 86_400;
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBe(nextMidnight);
    expect((await check('ipAddress=8.8.8.8')).headers.get('x-ratelimit-remaining')).toBe('0');

    const refused = await check('ipAddress=8.8.8.8');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await jsonOf(refused)).errors[0]).toEqual({ status: 429, detail: 'Daily rate limit of 2 requests exceeded for this endpoint. See headers for additional details.' });

    const usage = await jsonOf(control('GET', '/quota'));
    expect(usage).toMatchObject({ used: { day: 2 }, rateLimitedResponses: 1 });
    expect(sandbox.calls.list({ path: '/check$' }).map((c) => c.status)).toEqual([401, 200, 200, 429]);
  });

  it('answers an injected 429 like a spent budget: Retry-After, the X-RateLimit-* headers and the documented body', async () => {
    await control('PUT', '/faults', { next: [{ status: 429, retryAfterSeconds: 7 }] });
    const refused = await check('ipAddress=8.8.8.8');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 6);
    expect((await jsonOf(refused)).errors[0]).toEqual({ status: 429, detail: 'Daily rate limit of 1000 requests exceeded for this endpoint. See headers for additional details.' });
  });

  it('starts on the free plan (1,000 a day) and a reset forgets seeded IPs and restores it', async () => {
    await control('PUT', '/indicators/203.0.113.9', { preset: 'malicious' });
    await control('PUT', '/quota', { perMinute: 1 });
    await control('POST', '/reset');
    expect((await jsonOf(control('GET', '/quota'))).limits).toEqual({ perDay: 1000 });
    expect(await jsonOf(control('GET', '/indicators'))).toEqual({});
  });
});
