import { SyncEventKind } from '../../src/events/sync-event-kind.js';
import { SECUREWORKS_CTP } from '../../src/sources/secureworks-ctp/vendor-id.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { payloadOf, rawSubscribe, type RawSubscriber } from '../support/raw-graphql-ws.js';
import { subscribe } from '../support/subscribe.js';

let hub: TestHub;
const BUFFER_BYTES = 64 * 1024;

beforeAll(async () => {
  hub = await startTestHub({ config: { server: { subscriberBufferBytes: BUFFER_BYTES, maxSocketsPerToken: 100 } } });
});

afterAll(async () => {
  await hub?.close();
});

const QUERY = `subscription($after: String, $kinds: [SyncEventKind!]) {
  syncEvents(after: $after, kinds: $kinds) { cursor kind message details }
}`;
type Received = { syncEvents: { cursor: string; message: string } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function publish(kind: SyncEventKind, messages: string[], details: Record<string, unknown> = {}) {
  return hub.services.events.publish(messages.map((message) => ({ kind, vendor: SECUREWORKS_CTP, message, details })));
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(hub.http.url.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('live fan-out', () => {
  it('executes the document once per event per (document, variables, role) group and sends every socket the same frame', async () => {
    const group = (kind: string, n: number) => Promise.all(Array.from({ length: n }, (_, i) =>
      rawSubscribe(hub.http.wsUrl, hub.tokens.VIEWER, QUERY, { kinds: [kind] }, `sub-${i}`)));
    const tickets = await group('TICKET_IMPORTED', 25);
    const closes = await group('INCIDENT_CLOSED', 5);
    const operators = await Promise.all(Array.from({ length: 3 }, () =>
      rawSubscribe(hub.http.wsUrl, hub.tokens.OPERATOR, QUERY, { kinds: ['TICKET_IMPORTED'] })));
    await sleep(300);
    const before = await metric('socgraph_subscription_executions_total');

    await publish(SyncEventKind.TICKET_IMPORTED, names('ticket', 4));
    await publish(SyncEventKind.INCIDENT_CLOSED, names('closed', 2));
    await Promise.all([...tickets, ...operators].map((s) => s.waitFor(4)));
    await Promise.all(closes.map((s) => s.waitFor(2)));
    await sleep(300);

    // Viewer tickets group: 4, viewer closes group: 2, operator tickets group: 4 — not 4 × 28 + 2 × 5.
    expect(await metric('socgraph_subscription_executions_total') - before).toBe(10);
    // Small events ride on the NOTIFY itself: the tailer hands them out without reading the table back.
    expect(await metric('socgraph_sync_events_tailed_total{from="notification"}')).toBeGreaterThan(0);
    const expected = tickets[0].frames.map(payloadOf);
    expect(expected.map((f) => JSON.parse(f).payload.data.syncEvents.message)).toEqual(names('ticket', 4));
    for (const subscriber of [...tickets, ...operators]) expect(subscriber.frames.map(payloadOf)).toEqual(expected);
    expect(tickets[7].frames[0].startsWith('{"id":"sub-7","type":"next","payload":')).toBe(true);
    for (const subscriber of closes) {
      expect(subscriber.frames.map((f) => JSON.parse(f).payload.data.syncEvents.message)).toEqual(names('closed', 2));
    }
    for (const subscriber of [...tickets, ...closes, ...operators]) subscriber.close();
  });

  it('a subscriber away 10 s while events keep coming resumes with after and gets every missed event once, beside one that stayed', async () => {
    let publishing = true;
    let sequence = 0;
    const published: string[] = [];
    const publisher = (async () => {
      while (publishing) {
        const batch = names(`resume-${sequence++}`, 3);
        await publish(SyncEventKind.TICKET_UPDATED, batch);
        published.push(...batch);
        await sleep(40);
      }
    })();
    // Same document and kinds: one group, which stays live (with frames going out) while the other is away.
    const stayer = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER, QUERY, { kinds: ['TICKET_UPDATED'] });
    const first = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER, QUERY, { kinds: ['TICKET_UPDATED'] });
    await first.waitFor(10);
    const seenBefore = first.received.map((e) => e.syncEvents);
    await first.close();
    const lastCursor = seenBefore[seenBefore.length - 1].cursor;
    await sleep(10_000);

    const second = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER, QUERY, { kinds: ['TICKET_UPDATED'], after: lastCursor });
    await sleep(1_500);
    publishing = false;
    await publisher;
    const startIndex = published.indexOf(seenBefore[0].message);
    const total = published.length - startIndex;
    await second.waitFor(total - seenBefore.length, 15_000);
    await sleep(300);
    const all = [...seenBefore.map((e) => e.message), ...second.received.map((e) => e.syncEvents.message)];
    expect(all).toEqual(published.slice(startIndex));
    expect(second.received.length).toBeGreaterThan(150);
    const stayed = stayer.received.map((e) => e.syncEvents.message);
    expect(stayed).toEqual(published.slice(published.indexOf(stayed[0])));
    expect(stayed.length).toBeGreaterThan(second.received.length);
    await second.close();
    await stayer.close();
  });

  it('closes a consumer that stops reading with 4508 and its resume cursor, without holding up the others; resuming loses nothing', async () => {
    const slow = await rawSubscribe(hub.http.wsUrl, hub.tokens.VIEWER, QUERY, { kinds: ['ENRICHED'] });
    const fast: RawSubscriber[] = await Promise.all(Array.from({ length: 3 }, () =>
      rawSubscribe(hub.http.wsUrl, hub.tokens.VIEWER, QUERY, { kinds: ['ENRICHED'] })));
    await sleep(300);
    slow.pause();
    const padding = 'x'.repeat(60_000);
    const published: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const messages = names(`big-${batch}`, 20);
      await publish(SyncEventKind.ENRICHED, messages, { padding });
      published.push(...messages);
    }
    // Others get all 400 events (24 MB) while the slow one's socket is full.
    await Promise.all(fast.map((s) => s.waitFor(400, 60_000)));
    for (const subscriber of fast) {
      expect(subscriber.frames.map((f) => JSON.parse(f).payload.data.syncEvents.message)).toEqual(published);
    }
    expect(await metric('socgraph_slow_subscribers_closed_total')).toBeGreaterThanOrEqual(1);
    // 60 KB events do not fit a NOTIFY: the tailer read them back from the table.
    expect(await metric('socgraph_sync_events_tailed_total{from="table"}')).toBeGreaterThanOrEqual(400);

    slow.resume();
    const { code, reason } = await slow.closed;
    expect(code).toBe(4508);
    const match = /^too slow: resume with after=(\d+)$/.exec(reason);
    expect(match).not.toBeNull();
    const got = slow.frames.map((f) => JSON.parse(f).payload.data.syncEvents as { cursor: string; message: string });
    expect(got.length).toBeLessThan(400);
    expect(got.length === 0 ? match![1] : got[got.length - 1].cursor).toBe(match![1]);

    const resumed = await rawSubscribe(hub.http.wsUrl, hub.tokens.VIEWER, QUERY, { kinds: ['ENRICHED'], after: match![1] });
    await resumed.waitFor(400 - got.length, 60_000);
    await sleep(300);
    const rest = resumed.frames.map((f) => JSON.parse(f).payload.data.syncEvents.message as string);
    expect([...got.map((e) => e.message), ...rest]).toEqual(published);
    for (const subscriber of [...fast, resumed]) subscriber.close();
  }, 120_000);
});
