import { createHybridAnalysisSandbox } from '../../src/sandbox/hybrid-analysis/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';

let sandbox: RunningSandbox;
let key: string;

beforeAll(async () => {
  sandbox = await startSandbox(createHybridAnalysisSandbox());
  key = sandbox.credentials.apiKey!;
});
afterAll(() => sandbox.close());
beforeEach(() => fetch(`${sandbox.origin}/__sandbox/reset`, { method: 'POST' }));

function ha(path: string, init: RequestInit = {}) {
  return fetch(`${sandbox.apiUrl}${path}`, { ...init, headers: { 'api-key': key, 'User-Agent': 'Falcon Sandbox', ...init.headers } });
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

const EICAR_MD5 = '44d88612fea8a8f36de82e1278abb02f';

describe('Hybrid Analysis sandbox', () => {
  it('refuses a missing key (401) and a wrong key (403) with a message envelope', async () => {
    const missing = await fetch(`${sandbox.apiUrl}/key/current`);
    expect(missing.status).toBe(401);
    expect((await jsonOf(missing)).message).toMatch(/api-key/);
    const wrong = await ha('/key/current', { headers: { 'api-key': 'nope' } });
    expect(wrong.status).toBe(403);
    expect((await jsonOf(wrong)).message).toMatch(/^Forbidden/);
  });

  it('reports the key and its windows in the api-limits header on every answer', async () => {
    const res = await ha('/key/current');
    expect(await jsonOf(res)).toEqual({ api_key: key, auth_level: 100, auth_level_name: 'restricted' });
    expect(JSON.parse(res.headers.get('api-limits')!)).toEqual({ limits: { minute: 200, hour: 2000 }, used: { minute: 1, hour: 1 }, limit_reached: false });
    expect(JSON.parse(res.headers.get('submission-limits')!)).toMatchObject({ quota_reached: false });
  });

  it('finds a seeded sample by md5 through GET /search/hash, then its overview by sha256', async () => {
    await control('PUT', `/indicators/${EICAR_MD5}`, { preset: 'malicious', vx_family: 'EICAR-Test-File', last_file_name: 'eicar.com' });
    const search = await jsonOf(ha(`/search/hash?hash=${EICAR_MD5}`));
    expect(search.sha256s).toHaveLength(1);
    expect(search.reports[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/), environment_id: 160, environment_description: 'Windows 10 64 bit',
      state: 'SUCCESS', error_type: null, verdict: 'malicious',
    });
    const overview = await jsonOf(ha(`/overview/${search.sha256s[0]}`));
    expect(overview).toMatchObject({ sha256: search.sha256s[0], verdict: 'malicious', vx_family: 'EICAR-Test-File', last_file_name: 'eicar.com' });
    expect(overview.threat_score).toBeGreaterThanOrEqual(75);
  });

  it('answers one sandbox run through GET /report/{id}/summary, by job id or by <sha256>:<environment_id>', async () => {
    await control('PUT', `/indicators/${EICAR_MD5}`, { preset: 'malicious', vx_family: 'EICAR-Test-File', last_file_name: 'eicar.com' });
    const search = await jsonOf(ha(`/search/hash?hash=${EICAR_MD5}`));
    const [sha256] = search.sha256s;
    const byJob = await ha(`/report/${search.reports[0].id}/summary`);
    expect(byJob.status).toBe(200);
    const summary = await jsonOf(byJob);
    expect(summary).toMatchObject({
      job_id: search.reports[0].id, environment_id: 160, environment_description: 'Windows 10 64 bit', state: 'SUCCESS',
      md5: EICAR_MD5, sha256, submit_name: 'eicar.com', verdict: 'malicious', vx_family: 'EICAR-Test-File', threat_level: 2,
    });
    expect(summary.av_detect).toBeGreaterThan(0);
    expect(summary.threat_score).toBeGreaterThanOrEqual(75);
    expect(await jsonOf(ha(`/report/${sha256}:160/summary`))).toEqual(summary);

    const otherEnvironment = await ha(`/report/${sha256}:999/summary`);
    expect(otherEnvironment.status).toBe(404);
    expect(await jsonOf(otherEnvironment)).toEqual({ message: 'Requested report not found' });
    expect((await ha(`/report/${'0'.repeat(24)}/summary`)).status).toBe(404);
    expect((await ha('/report/junk/summary')).status).toBe(400);
  });

  it('answers 404 "Requested hash not found" for unknown samples, 400 with validation errors for junk, 410 on the retired POST', async () => {
    await control('PUT', `/indicators/${'ab'.repeat(32)}`, { preset: 'not-found' });
    const unknown = await ha(`/search/hash?hash=${'ab'.repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect(await jsonOf(unknown)).toEqual({ message: 'Requested hash not found' });
    expect((await ha(`/overview/${'ab'.repeat(32)}`)).status).toBe(404);

    const junk = await ha('/search/hash?hash=not-a-hash');
    expect(junk.status).toBe(400);
    expect((await jsonOf(junk)).validation_errors[0].field).toBe('hash');

    const retired = await ha('/search/hash', { method: 'POST', body: new URLSearchParams({ hash: EICAR_MD5 }) });
    expect(retired.status).toBe(410);
  });

  it('derives stable answers for unseeded hashes, some unknown', async () => {
    const hashes = Array.from({ length: 30 }, (_, i) => String(i).padStart(2, '0').repeat(20));
    const verdicts = async () => Promise.all(hashes.map(async (h) => {
      const res = await ha(`/search/hash?hash=${h}`);
      return res.status === 404 ? 'unknown' : (await jsonOf(res)).reports[0].verdict;
    }));
    const first = await verdicts();
    expect(await verdicts()).toEqual(first);
    expect(first).toEqual(expect.arrayContaining(['unknown', 'malicious', 'no specific threat']));
  });

  it('past the minute budget answers 429 naming the reached window in api-limits, and counts the refusals', async () => {
    await control('PUT', '/quota', { perMinute: 2, perHour: 100 });
    await ha('/key/current');
    await ha('/key/current');
    const refused = await ha('/key/current');
    expect(refused.status).toBe(429);
    expect(await jsonOf(refused)).toEqual({ message: 'Exceeded maximum API requests per minute(2)' });
    expect(JSON.parse(refused.headers.get('api-limits')!)).toEqual({
      limits: { minute: 2, hour: 100 }, used: { minute: 2, hour: 2 }, limit_reached: true, name_of_reached_limit: 'minute',
    });
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(await jsonOf(control('GET', '/quota'))).toMatchObject({ used: { minute: 2, hour: 2 }, rateLimitedResponses: 1 });
    expect(sandbox.calls.list({ path: '^/api/v2/' }).map((c) => c.status)).toEqual([200, 200, 429]);
  });

  it('can meter by the hour as well', async () => {
    await control('PUT', '/quota', { perHour: 1 });
    await ha('/key/current');
    const refused = await ha('/key/current');
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.headers.get('api-limits')!).name_of_reached_limit).toBe('hour');
  });
});
