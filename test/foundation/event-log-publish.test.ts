import { SECUREWORKS_CTP } from '../../src/sources/secureworks-ctp/vendor-id.js';
import { SyncEventKind } from '../../src/events/sync-event-kind.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(async () => {
  await hub?.close();
});

const event = (message: string) => ({ kind: SyncEventKind.TICKET_UPDATED, vendor: SECUREWORKS_CTP, message });

describe('event log: concurrent publishing', () => {
  it('gives each of many concurrent callers its own events, stored in its order, with cursors in commit order', async () => {
    const calls = Array.from({ length: 60 }, (_, c) => Array.from({ length: 1 + (c % 3) }, (_, i) => event(`call-${c}-${i}`)));
    const results = await Promise.all(calls.map((list) => hub.services.events.publish(list)));

    const cursors: bigint[] = [];
    results.forEach((saved, c) => {
      expect(saved.map((e) => e.message)).toEqual(calls[c].map((e) => e.message));
      for (let i = 1; i < saved.length; i++) expect(BigInt(saved[i].cursor)).toBeGreaterThan(BigInt(saved[i - 1].cursor));
      cursors.push(...saved.map((e) => BigInt(e.cursor)));
    });
    expect(new Set(cursors).size).toBe(cursors.length);

    // What the log holds from the first of these cursors on is exactly these events.
    const first = cursors.reduce((a, b) => (b < a ? b : a));
    const stored = await hub.services.events.after(String(first - 1n), { kinds: [SyncEventKind.TICKET_UPDATED] }, 1_000);
    expect(stored.map((e) => BigInt(e.cursor))).toEqual([...cursors].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(stored.map((e) => e.message))).toEqual(new Set(calls.flat().map((e) => e.message)));
  });

  it('fails only the caller whose event the database refuses; the others publishing at the same time get theirs', async () => {
    const bad = { kind: SyncEventKind.TICKET_UPDATED, message: null as unknown as string };
    const outcomes = await Promise.allSettled([
      hub.services.events.publish(event('before-bad')),
      hub.services.events.publish(event('next-to-bad')),
      hub.services.events.publish(bad),
      hub.services.events.publish([event('after-bad-0'), event('after-bad-1')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const saved = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value.map((e) => e.message) : []));
    expect(saved).toEqual(['before-bad', 'next-to-bad', 'after-bad-0', 'after-bad-1']);
  });
});
