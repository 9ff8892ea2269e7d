import { createIbmResilientSandbox } from '../../src/sandbox/ibm-resilient/index.js';
import type { RecordedCall } from '../../src/sandbox/kit/call-log.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createSecureworksCtpSandbox } from '../../src/sandbox/secureworks-ctp/index.js';
import { secureworksCtpManifest } from '../../src/sources/secureworks-ctp/manifest.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * Issue 9 item 7: a vendor's 429 pauses the whole source. Flow 1 (CTP → Resilient) runs with its tickets in
 * parallel while both sandboxes answer some calls 429 with Retry-After; the sandboxes' call logs then show how
 * many calls arrived inside a Retry-After window (after the 429 was sent, before the window ended). Goal: 0.
 * With two replicas (a PostgreSQL server), a 429 one replica gets holds the other's calls to that source too.
 */
const TICKETS = 40;
const RETRY_AFTER_SECONDS = 2;

let ctp: RunningSandbox;
let soar: RunningSandbox;
let hub: TestHub;

const sources = () => [
  { name: 'ctp', vendor: 'SECUREWORKS_CTP', baseUrl: ctp.apiUrl, credentials: { username: 'RL_CTP_USER', password: 'RL_CTP_PASSWORD' }, settings: { queryLimit: 20, concurrency: 8 } },
  { name: 'soar', vendor: 'IBM_RESILIENT', baseUrl: soar.apiUrl, tlsVerify: false, credentials: { apiKeyId: 'RL_SOAR_ID', apiKeySecret: 'RL_SOAR_SECRET' } },
];

beforeAll(async () => {
  ctp = await startSandbox(createSecureworksCtpSandbox());
  soar = await startSandbox(createIbmResilientSandbox(), { tls: true });
  Object.assign(process.env, {
    RL_CTP_USER: ctp.credentials.username, RL_CTP_PASSWORD: ctp.credentials.password,
    RL_SOAR_ID: soar.credentials.apiKeyId, RL_SOAR_SECRET: soar.credentials.apiKeySecret,
  });
  hub = await startTestHub({ config: { sandboxes: 'none', jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 } }, sources: sources() } });
});

afterAll(async () => {
  await hub?.close();
  await ctp?.close();
  await soar?.close();
});

/**
 * Calls that arrived after a 429 was answered and before its Retry-After ran out. `inside` leaves out the first
 * IN_FLIGHT_MS of each window: a call the hub sent before it had read the 429 (its event loop busy with other
 * tickets) arrives there, and no client can take back a request already on the wire. `arrived` counts them too.
 */
const IN_FLIGHT_MS = 200;
function callsInsideWindows(calls: RecordedCall[], retryAfterSeconds: number): { rateLimited: number; inside: RecordedCall[]; arrived: RecordedCall[] } {
  const windows = calls.filter((c) => c.status === 429).map((c) => {
    const start = Date.parse(c.at) + c.durationMs;
    return { start, end: start + retryAfterSeconds * 1000 };
  });
  // At the log's millisecond resolution: strictly after the millisecond the 429 left, strictly before the end.
  const within = (grace: number) => calls.filter((call) => {
    const at = Date.parse(call.at);
    return windows.some((w) => at > w.start + grace && at < w.end);
  });
  return { rateLimited: windows.length, inside: within(IN_FLIGHT_MS), arrived: within(0) };
}

it(`lets no call into a Retry-After window while ${TICKETS} tickets sync in parallel`, async () => {
  await control(ctp, 'POST', '/seed', { count: TICKETS, worklogsPerTicket: 2, attachmentsPerTicket: 1, attachmentBytes: 256 });
  // 3 % of calls answered 429, and the first one always (so the faults bite in every run, not only in most).
  const faults = { rateLimitRate: 0.03, retryAfterSeconds: RETRY_AFTER_SECONDS, next: [{ status: 429, retryAfterSeconds: RETRY_AFTER_SECONDS }] };
  await control(ctp, 'PUT', '/faults', faults);
  await control(soar, 'PUT', '/faults', faults);
  ctp.calls.clear();
  soar.calls.clear();
  for (let runs = 0; (await control(ctp, 'GET', '/summary')).inFeed > 0; runs += 1) {
    if (runs === 6) throw new Error('the sync did not finish in 6 runs');
    await hub.query('mutation { runJob(name: "ctp-resilient-sync") { state } }', undefined, hub.tokens.OPERATOR);
  }
  await control(ctp, 'DELETE', '/faults');
  await control(soar, 'DELETE', '/faults');

  const { incidents } = await control(soar, 'GET', '/incidents');
  expect(incidents).toHaveLength(TICKETS);
  const ctpWindows = callsInsideWindows(ctp.calls.list(), RETRY_AFTER_SECONDS);
  const soarWindows = callsInsideWindows(soar.calls.list(), RETRY_AFTER_SECONDS);
  process.stdout.write(`429s: CTP ${ctpWindows.rateLimited} (of ${ctp.calls.list().length} calls), Resilient ${soarWindows.rateLimited} `
    + `(of ${soar.calls.list().length}); calls inside a window (after the first ${IN_FLIGHT_MS} ms): CTP ${ctpWindows.inside.length}, `
    + `Resilient ${soarWindows.inside.length}; arriving anywhere in one: CTP ${ctpWindows.arrived.length}, Resilient ${soarWindows.arrived.length}\n`);
  // The faults did bite, on both sides.
  expect(ctpWindows.rateLimited).toBeGreaterThan(0);
  expect(soarWindows.rateLimited).toBeGreaterThan(0);
  expect(ctpWindows.inside).toEqual([]);
  expect(soarWindows.inside).toEqual([]);
}, 240_000);

it('pauses the source on another replica too', async () => {
  const second = await startTestHubOnSameDatabase();
  try {
    const here = hub.services.sources.client('ctp', secureworksCtpManifest);
    const there = second.services.sources.client('ctp', secureworksCtpManifest);
    const ticket = (await control(ctp, 'POST', '/tickets', { status: 'New', priority: 'HIGH', symptomDescription: 'pause test' })).ticketId as string;
    await control(ctp, 'PUT', '/faults', { next: [{ status: 429, retryAfterSeconds: 2 }] });
    ctp.calls.clear();
    // Replica one gets the 429 (and retries after it); replica two asks for the ticket a moment later.
    const first = here.getTicket(ticket);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await Promise.all([first, there.getTicket(ticket)]);
    const calls = ctp.calls.list();
    expect(calls.map((c) => c.status)).toEqual([429, 200, 200]);
    const { inside } = callsInsideWindows(calls, 2);
    expect(inside).toEqual([]);
  } finally {
    await second.stop();
  }
}, 60_000);

/** A second hub on the first one's database. */
async function startTestHubOnSameDatabase() {
  const { hubConfigSchema } = await import('../../src/config/hub-config.js');
  const { startHub } = await import('../../src/hub.js');
  return startHub({
    config: hubConfigSchema.parse({ sandboxes: 'none', server: { port: 0 }, jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 } }, sources: sources() }),
    databaseUrl: hub.database.url,
  });
}
