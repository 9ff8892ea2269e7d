import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRunEntity } from '../../src/store/entities/index.js';
import { SyncEventKind } from '../../src/events/sync-event-kind.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { subscribe } from '../support/subscribe.js';

/**
 * Two hubs on one PostgreSQL: this test process runs one in-process, and a second one runs as its own
 * `node dist/src/main.js` process with the first one's DATABASE_URL. With DATABASE_URL that is a server; without
 * it, the first hub's own embedded PostgreSQL (the default `npm start` gets), which the second one joins.
 */
let hubA: TestHub;
let hubB: HubProcess;

describe('two replicas on one PostgreSQL', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-replica-'));
    hubA = await startTestHub({
      config: { jobs: { 'event-retention': { intervalSeconds: 2 } } },
      ...(process.env.DATABASE_URL ? {} : { embeddedDataDir: join(dir, 'postgres') }),
    });
    const config = join(dir, 'hub.yaml');
    writeFileSync(config, `sandboxes: none\nserver:\n  port: 0\n  host: 127.0.0.1\njobs:\n  event-retention:\n    intervalSeconds: 2\n`);
    // On the embedded database, the URL a user is pointed to: the mode-0600 file in its data folder.
    const embedded = hubA.database.embedded;
    const url = embedded ? readFileSync(embedded.urlFile, 'utf8').trim() : hubA.database.url;
    hubB = await startHubProcess({ HUB_CONFIG: config, DATABASE_URL: url });
  }, 60_000);

  afterAll(async () => {
    if (hubB) expect(await hubB.stop()).toBe(0);
    await hubA?.close();
  });

  it('delivers an event published on one replica to a subscriber of the other', async () => {
    const wsUrl = hubB.url.replace(/^http/, 'ws');
    const subscriber = subscribe<{ syncEvents: { message: string } }>(wsUrl, hubA.tokens.VIEWER,
      'subscription { syncEvents(kinds: [TICKET_IMPORTED]) { message } }');
    await new Promise((r) => setTimeout(r, 500));
    await hubA.services.events.publish([
      { kind: SyncEventKind.TICKET_IMPORTED, message: 'from replica A #1' },
      { kind: SyncEventKind.TICKET_IMPORTED, message: 'from replica A #2' },
    ]);
    const got = await subscriber.waitFor(2, 10_000);
    expect(got.map((e) => e.syncEvents.message)).toEqual(['from replica A #1', 'from replica A #2']);
    await subscriber.close();
  });

  it('runs a scheduled job once per tick across both replicas', async () => {
    const runs = hubA.services.dataSource.getRepository(JobRunEntity);
    const start = Date.now();
    await new Promise((r) => setTimeout(r, 9_000));
    const scheduled = (await runs.find({ where: { jobName: 'event-retention', trigger: 'SCHEDULE' } }))
      .filter((r) => r.startedAt && r.startedAt.getTime() >= start);
    // 9 s at a 2 s interval: 4–5 slots. Two replicas ticking without coordination would give about twice that.
    expect(scheduled.length).toBeGreaterThanOrEqual(3);
    expect(scheduled.length).toBeLessThanOrEqual(6);
    const slots = scheduled.map((r) => Math.floor(r.queuedAt.getTime() / 2000));
    expect(new Set(slots).size).toBe(slots.length);
  });
});
