import type { Vendor } from '../../src/domain/vendor.js';
import { CYWARE_CFTR } from '../../src/sources/cyware-cftr/vendor-id.js';
import { IBM_RESILIENT } from '../../src/sources/ibm-resilient/vendor-id.js';
import { SECUREWORKS_CTP } from '../../src/sources/secureworks-ctp/vendor-id.js';
import { SyncEventKind } from '../../src/events/sync-event-kind.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { subscribe } from '../support/subscribe.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(async () => {
  await hub?.close();
});

const SUBSCRIPTION = `subscription($after: String, $kinds: [SyncEventKind!], $vendor: Vendor) {
  syncEvents(after: $after, kinds: $kinds, vendor: $vendor) { cursor kind vendor message subjectId }
}`;

type Received = { syncEvents: { cursor: string; kind: string; vendor: string | null; message: string } };

function publish(n: number, prefix: string, kind = SyncEventKind.TICKET_IMPORTED, vendor: Vendor | null = SECUREWORKS_CTP) {
  return hub.services.events.publish(Array.from({ length: n }, (_, i) => ({ kind, vendor, message: `${prefix}-${i}` })));
}

describe('syncEvents subscription', () => {
  it('delivers live events in order', async () => {
    const subscriber = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER, SUBSCRIPTION);
    await new Promise((r) => setTimeout(r, 300));
    await publish(3, 'live');
    const got = await subscriber.waitFor(3);
    expect(got.map((e) => e.syncEvents.message)).toEqual(['live-0', 'live-1', 'live-2']);
    await subscriber.close();
  });

  it('resumes after a disconnect: exactly the missed events, in order, then live ones, no repeat', async () => {
    const first = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER, SUBSCRIPTION);
    await new Promise((r) => setTimeout(r, 300));
    await publish(2, 'before');
    const seen = await first.waitFor(2);
    const lastCursor = seen[seen.length - 1].syncEvents.cursor;
    await first.close();

    await publish(5, 'missed');

    const second = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER, SUBSCRIPTION, { after: lastCursor });
    await second.waitFor(5);
    await publish(2, 'after');
    const got = await second.waitFor(7);
    await new Promise((r) => setTimeout(r, 300));
    expect(second.received.map((e) => e.syncEvents.message)).toEqual([
      'missed-0', 'missed-1', 'missed-2', 'missed-3', 'missed-4', 'after-0', 'after-1',
    ]);
    const cursors = got.map((e) => BigInt(e.syncEvents.cursor));
    expect(cursors.every((c, i) => i === 0 || c > cursors[i - 1])).toBe(true);
    await second.close();
  });

  it('replays more than one page of stored events without gaps while new ones keep arriving', async () => {
    const [marker] = await publish(1, 'marker');
    await publish(1200, 'bulk');
    const subscriber = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER, SUBSCRIPTION, { after: marker.cursor });
    const concurrent = publish(50, 'during');
    await concurrent;
    const got = await subscriber.waitFor(1250, 30_000);
    const messages = got.map((e) => e.syncEvents.message);
    expect(messages.slice(0, 1200)).toEqual(Array.from({ length: 1200 }, (_, i) => `bulk-${i}`));
    expect(messages.slice(1200)).toEqual(Array.from({ length: 50 }, (_, i) => `during-${i}`));
    await subscriber.close();
  });

  it('filters by kind and vendor, stored and live alike', async () => {
    const [marker] = await publish(1, 'm');
    await publish(2, 'closed', SyncEventKind.INCIDENT_CLOSED, IBM_RESILIENT);
    await publish(2, 'other', SyncEventKind.TICKET_IMPORTED, SECUREWORKS_CTP);
    const subscriber = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER, SUBSCRIPTION,
      { after: marker.cursor, kinds: ['INCIDENT_CLOSED'], vendor: 'IBM_RESILIENT' });
    await subscriber.waitFor(2);
    await publish(1, 'closed-live', SyncEventKind.INCIDENT_CLOSED, IBM_RESILIENT);
    await publish(1, 'ignored', SyncEventKind.INCIDENT_CLOSED, CYWARE_CFTR);
    await subscriber.waitFor(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(subscriber.received.map((e) => e.syncEvents.message)).toEqual(['closed-0', 'closed-1', 'closed-live-0']);
    await subscriber.close();
  });

  it("follows one object's events (subjectId), stored and live alike", async () => {
    const subject = (n: number) => `VGlja2V0OnN1YmplY3Qt${n}`;
    const about = (n: number, message: string) => hub.services.events.publish({ kind: SyncEventKind.TICKET_UPDATED, vendor: SECUREWORKS_CTP, subjectId: subject(n), message });
    const [marker] = await publish(1, 'marker');
    await about(1, 'one-stored');
    await about(2, 'two-stored');
    const subscriber = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER,
      'subscription($after: String, $subjectId: ID) { syncEvents(after: $after, subjectId: $subjectId) { cursor kind vendor message subjectId } }',
      { after: marker.cursor, subjectId: subject(1) });
    await subscriber.waitFor(1);
    await about(2, 'two-live');
    await about(1, 'one-live');
    await subscriber.waitFor(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(subscriber.received.map((e) => e.syncEvents.message)).toEqual(['one-stored', 'one-live']);
    await subscriber.close();
  });

  it('refuses a subscription without a valid token: the socket is closed 4401 at connection_init', async () => {
    const subscriber = subscribe<Received>(hub.http.wsUrl, null, SUBSCRIPTION);
    await subscriber.waitFor(1).catch(() => undefined);
    expect(subscriber.received).toEqual([]);
    expect((subscriber.errors[0] as { code?: number }).code).toBe(4401);
    await subscriber.close();
  });

  it('lists the same log through the syncEvents query, newest first', async () => {
    const data = await hub.query('{ syncEvents(first: 3, filter: { kinds: [INCIDENT_CLOSED] }) { nodes { kind message cursor } } }');
    expect(data.syncEvents.nodes.map((n: { message: string }) => n.message)).toEqual(['ignored-0', 'closed-live-0', 'closed-1']);
  });
});
