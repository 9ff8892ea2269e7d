import { SECUREWORKS_CTP } from '../../src/sources/secureworks-ctp/vendor-id.js';
import { QuotaScheduler } from '../../src/enrichment/quota-scheduler.js';
import { quotaWindows } from '../../src/enrichment/quota-windows.js';
import { createSecureworksCtpSandbox } from '../../src/sandbox/secureworks-ctp/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { sourceRateLimiter } from '../../src/services/source-rate-limiter.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { createSecureworksCtpClient, type SecureworksCtpClient } from '../../src/sources/secureworks-ctp/client.js';
import { secureworksCtpManifest } from '../../src/sources/secureworks-ctp/manifest.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/**
 * A source's `rateLimit` (config) paces every call to it, retries included, across replicas (the shared quota
 * scheduler in Postgres): a minute's budget makes calls wait, a spent day fails at once with when it resets.
 */
let ctp: RunningSandbox;
let hub: TestHub;

beforeAll(async () => {
  ctp = await startSandbox(createSecureworksCtpSandbox());
  process.env.RATE_CTP_USER = ctp.credentials.username;
  process.env.RATE_CTP_PASSWORD = ctp.credentials.password;
  hub = await startTestHub({
    config: {
      sources: [{
        name: 'ctp-limited', vendor: SECUREWORKS_CTP, baseUrl: ctp.apiUrl, pollIntervalSeconds: 0,
        credentials: { username: 'RATE_CTP_USER', password: 'RATE_CTP_PASSWORD' }, rateLimit: { perDay: 3 },
      }],
    },
  });
});

afterAll(async () => {
  await hub?.close();
  await ctp?.close();
});

describe('a source rate limit', () => {
  it('spends a day budget call by call, then refuses at once with the time it resets, without calling the vendor or marking it unwell', async () => {
    const client = hub.services.sources.client('ctp-limited', secureworksCtpManifest);
    for (let i = 0; i < 3; i += 1) await client.fetchUpdates();
    expect(ctp.calls.list()).toHaveLength(3);
    const started = Date.now();
    const refused = await client.fetchUpdates().catch((e) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(refused.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(refused.message).toMatch(/rateLimit is spent .* calls resume at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(ctp.calls.list()).toHaveLength(3);
    expect(hub.services.sources.healthOf('ctp-limited').status).not.toBe('DOWN');
  });

  it('holds calls over the minute budget until the window has room, and makes them all', async () => {
    // The same scheduler at 30× speed: a "minute" lasts 2 s.
    const scheduler = new QuotaScheduler(hub.services.dataSource, { windows: quotaWindows(30) });
    const source = hub.services.sources.get('ctp-limited')!.config;
    const minuteLimited = { ...source, name: 'ctp-minute', rateLimit: { perMinute: 2 } };
    const client = createSecureworksCtpClient(minuteLimited, { health: new SourceHealthTracker(), limiter: sourceRateLimiter(scheduler, minuteLimited) });
    ctp.calls.clear();
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => client.fetchUpdates()));
    const at = ctp.calls.list().map((c) => Date.parse(c.at)).sort((a, b) => a - b);
    expect(at).toHaveLength(5);
    // No 2 s window saw more than 2 calls: the 3rd waits for the 1st's window, the 5th for the 3rd's.
    for (let i = 2; i < at.length; i += 1) expect(at[i]! - at[i - 2]!).toBeGreaterThanOrEqual(1_900);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_900);
  });
});
