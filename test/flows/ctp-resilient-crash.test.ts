import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIbmResilientSandbox } from '../../src/sandbox/ibm-resilient/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createSecureworksCtpSandbox } from '../../src/sandbox/secureworks-ctp/index.js';
import { testDatabase } from '../support/database.js';
import { startHubProcess } from '../support/hub-process.js';
import { control } from '../support/sandbox-control.js';

/**
 * SIGKILL the hub at random points of a 2,000-ticket backfill, 10 times, restarting it each time. The
 * sandboxes live in this process and outlive every hub. At the end: every ticket has exactly one incident,
 * every worklog exactly one note, every attachment exactly one copy.
 */
const TICKETS = 4000;
const WORKLOGS = 2;
const KILLS = 10;

let ctp: RunningSandbox;
let soar: RunningSandbox;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  ctp = await startSandbox(createSecureworksCtpSandbox());
  soar = await startSandbox(createIbmResilientSandbox(), { tls: true });
  database = await testDatabase();
});

afterAll(async () => {
  await ctp?.close();
  await soar?.close();
  await database?.drop();
});

it(`survives ${KILLS} SIGKILLs during a ${TICKETS}-ticket backfill without losing or doubling anything`, async () => {
  await control(ctp, 'POST', '/seed', { count: TICKETS, worklogsPerTicket: WORKLOGS, attachmentsPerTicket: 1, attachmentBytes: 512 });
  const dir = mkdtempSync(join(tmpdir(), 'sg-crash-'));
  const config = join(dir, 'hub.yaml');
  writeFileSync(config, JSON.stringify({
    sandboxes: 'none',
    server: { port: 0, host: '127.0.0.1' },
    database: { dataDir: join(dir, 'postgres') },
    jobs: { 'ctp-resilient-sync': { intervalSeconds: 1 }, 'event-retention': { intervalSeconds: 0 } },
    sources: [
      { vendor: 'SECUREWORKS_CTP', baseUrl: ctp.apiUrl, credentials: { username: 'CRASH_CTP_USER', password: 'CRASH_CTP_PASSWORD' }, settings: { queryLimit: 100 } },
      { vendor: 'IBM_RESILIENT', baseUrl: soar.apiUrl, tlsVerify: false, credentials: { apiKeyId: 'CRASH_SOAR_ID', apiKeySecret: 'CRASH_SOAR_SECRET' } },
    ],
  }));
  const env = {
    HUB_CONFIG: config,
    DATABASE_URL: database.url ?? '',
    CRASH_CTP_USER: ctp.credentials.username, CRASH_CTP_PASSWORD: ctp.credentials.password,
    CRASH_SOAR_ID: soar.credentials.apiKeyId, CRASH_SOAR_SECRET: soar.credentials.apiKeySecret,
  };
  const inFeed = async () => (await control(ctp, 'GET', '/summary')).inFeed as number;

  let kills = 0;
  while (kills < KILLS && await inFeed() > 0) {
    const hub = await startHubProcess(env);
    // A random point: somewhere in the middle of creating incidents, posting notes, uploading files, acknowledging.
    await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2000));
    hub.child.kill('SIGKILL');
    await new Promise((resolve) => hub.child.once('exit', resolve));
    kills += 1;
  }
  expect(kills).toBe(KILLS); // the backfill was still going at every kill

  const hub = await startHubProcess(env);
  const deadline = Date.now() + 240_000;
  while (await inFeed() > 0) {
    if (Date.now() > deadline) throw new Error(`backfill did not finish: ${await inFeed()} tickets still in the feed`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(await hub.stop()).toBe(0);

  const { incidents } = await control(soar, 'GET', '/incidents');
  expect(incidents).toHaveLength(TICKETS);
  const perTicket = new Map<string, number>();
  for (const record of incidents as Array<{ ticketId: string; notes: Array<{ text: { content: string } }>; attachments: Array<{ name: string; size: number }> }>) {
    perTicket.set(record.ticketId, (perTicket.get(record.ticketId) ?? 0) + 1);
    const texts = record.notes.map((n) => n.text.content);
    expect({ ticket: record.ticketId, notes: texts.length, distinct: new Set(texts).size }).toEqual({ ticket: record.ticketId, notes: WORKLOGS, distinct: WORKLOGS });
    expect(record.attachments).toHaveLength(1);
    expect(record.attachments[0].size).toBe(512);
  }
  expect(perTicket.size).toBe(TICKETS);
  expect([...perTicket.values()].every((n) => n === 1)).toBe(true);
}, 600_000);
