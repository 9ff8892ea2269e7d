import express from 'express';
import { z } from 'zod';
import { VIRUSTOTAL } from '../../src/sources/virustotal/vendor-id.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { VendorError } from '../../src/sources/http/vendor-error.js';
import { VendorHttp } from '../../src/sources/http/vendor-http.js';

const SECRET = 's3cr3t-api-key-value';
const dropped: string[] = [];
let sandbox: RunningSandbox;

/** A minimal vendor on the sandbox kit: echoes what it got, including (badly) the credential. */
beforeAll(async () => {
  sandbox = await startSandbox({
    vendor: VIRUSTOTAL,
    basePath: '/api',
    devCredentials: { apiKey: SECRET },
    mount(app) {
      app.get('/api/echo', (req, res) => res.json({ ok: true, n: Number(req.query.n ?? 0) }));
      app.get('/api/leaky-error', (req, res) => res.status(400).json({ error: `bad key ${req.headers['x-apikey']}` }));
      // Does the work, then loses the connection before answering: the caller cannot know it happened.
      app.all('/api/done-then-dropped', (req, res) => {
        dropped.push(req.method);
        res.socket?.destroy();
      });
      app.use(express.json());
    },
    reset() {},
  });
});

afterAll(async () => {
  await sandbox?.close();
});

beforeEach(async () => {
  sandbox.faults.clear();
  sandbox.calls.clear();
  dropped.length = 0;
});

function client(health = new SourceHealthTracker()) {
  return new VendorHttp({
    vendor: VIRUSTOTAL, sourceName: 'vt-test', baseUrl: sandbox.apiUrl, secrets: [SECRET], health,
    authenticate: (request) => request.headers.set('x-apikey', SECRET), timeoutMs: 500, retries: 3, backoffLimitMs: 50, maxRetryAfterMs: 5_000,
  });
}

const echo = z.object({ ok: z.boolean(), n: z.number() });

describe('the shared vendor HTTP client', () => {
  it('honours a short Retry-After on 429 and succeeds', async () => {
    sandbox.faults.set({ next: [{ status: 429, retryAfterSeconds: 1 }] });
    const started = Date.now();
    await expect(client().json('GET', 'echo', echo, { searchParams: { n: 7 } })).resolves.toEqual({ ok: true, n: 7 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sandbox.calls.list({ path: '/api/echo' })).toHaveLength(2);
  });

  it('fails at once, without sleeping, when Retry-After is beyond its patience', async () => {
    sandbox.faults.set({ next: [{ status: 429, retryAfterSeconds: 3600 }] });
    const started = Date.now();
    const error = await client().json('GET', 'echo', echo).catch((e) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.retryAfterSeconds).toBe(3600);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sandbox.calls.list({ path: '/api/echo' })).toHaveLength(1);
  });

  it('retries 5xx, timeouts and malformed JSON with backoff, then recovers', async () => {
    sandbox.faults.set({ next: [{ status: 503 }, { hangMs: 2_000 }, { malformed: true }] });
    await expect(client().json('GET', 'echo', echo)).resolves.toEqual({ ok: true, n: 0 });
    expect(sandbox.calls.list({ path: '/api/echo' }).length).toBeGreaterThanOrEqual(3);
  });

  it('does not repeat a create whose connection dropped after it was sent (it may have happened); a read, or a create said to be idempotent, it does', async () => {
    const post = await client().json('POST', 'done-then-dropped', echo, { json: {} }).catch((e) => e);
    expect(post).toBeInstanceOf(VendorError);
    expect(post.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(dropped).toEqual(['POST']);

    dropped.length = 0;
    await client().json('GET', 'done-then-dropped', echo).catch(() => undefined);
    expect(dropped).toEqual(['GET', 'GET', 'GET', 'GET']); // the first try and 3 retries
    dropped.length = 0;
    await client().json('POST', 'done-then-dropped', echo, { json: {}, idempotent: true }).catch(() => undefined);
    expect(dropped).toHaveLength(4);
  });

  it('never lets a secret into an error message', async () => {
    const error = await client().json('GET', 'leaky-error', echo).catch((e) => e);
    expect(error.code).toBe('UPSTREAM_REJECTED');
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(SECRET);
  });

  it('keeps source health: DOWN after repeated failures, HEALTHY after a success', async () => {
    const health = new SourceHealthTracker();
    sandbox.faults.set({ errorRate: 1, errorStatus: 500 });
    for (let i = 0; i < 3; i += 1) await client(health).json('GET', 'echo', echo).catch(() => undefined);
    expect(health.get('vt-test')).toMatchObject({ status: 'DOWN', consecutiveFailures: 3 });
    expect(health.get('vt-test').lastError).toContain('HTTP 500');
    sandbox.faults.clear();
    await client(health).json('GET', 'echo', echo);
    expect(health.get('vt-test')).toMatchObject({ status: 'HEALTHY', consecutiveFailures: 0 });
  });
});
