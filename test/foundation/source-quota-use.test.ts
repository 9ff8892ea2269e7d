import { startTestHub, type TestHub } from '../support/hub.js';

/** Source.quota: calls spent per window, as the shared quota scheduler counts them. */
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({
    config: {
      sandboxes: 'all',
      jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 }, 'ivanti-enrichment': { intervalSeconds: 0 } },
    },
  });
});

afterAll(async () => {
  await hub?.close();
});

const quotaOf = async (name: string) => (await hub.query('{ sources { name quota { kind window limit used blockedUntil } } }'))
  .sources.find((s: { name: string }) => s.name === name).quota;

describe('source quota use', () => {
  it("shows each window of a provider's quota with the calls spent in it; sources without a quota show none", async () => {
    expect(await quotaOf('virustotal')).toEqual([
      { kind: 'PROVIDER', window: 'MINUTE', limit: 4, used: 0, blockedUntil: null },
      { kind: 'PROVIDER', window: 'DAY', limit: 500, used: 0, blockedUntil: null },
    ]);
    await hub.query('mutation { enrichIndicators(input: { values: ["8.8.4.4"] }) { lookups { provider status } } }', undefined, hub.tokens.OPERATOR);
    const after = await quotaOf('virustotal');
    expect(after.find((q: { window: string }) => q.window === 'MINUTE').used).toBe(1);
    expect(after.find((q: { window: string }) => q.window === 'DAY').used).toBe(1);
    expect(await quotaOf('secureworks-ctp')).toEqual([]);
  });
});
