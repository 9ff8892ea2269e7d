import { SECUREWORKS_CTP } from '../../src/sources/secureworks-ctp/vendor-id.js';
import { SyncEventKind } from '../../src/events/sync-event-kind.js';
import { notifyStatement } from '../../src/events/event-log.js';
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

describe('event log: a publish costs the same however long the log', () => {
  it('reads its own events back for the NOTIFY by a range of the cursor index, never by reading the whole log', async () => {
    // A log of 20,000 events, analysed: the planner now knows a scan is expensive.
    await hub.services.dataSource.query(`INSERT INTO sync_event (kind, message) SELECT 'TICKET_UPDATED', 'filler ' || g FROM generate_series(1, 20000) AS g`);
    await hub.services.dataSource.query('ANALYZE sync_event');
    const rows: Array<{ 'QUERY PLAN': string }> = await hub.services.dataSource.query(`EXPLAIN ${notifyStatement(3)}`);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    // Bounded by the index (an Index Cond on cursor), not a scan filtered row by row.
    expect(plan).toMatch(/Index Cond: \(cursor > /);
    expect(plan).not.toMatch(/Seq Scan on sync_event|Filter: \(cursor > /);
    // And it is the statement publishing runs: a publish on that log still notifies its events.
    const [saved] = await hub.services.events.publish(event('after-filler'));
    expect(saved.message).toBe('after-filler');
  });
});
