import { SECUREWORKS_CTP } from '../../src/sources/secureworks-ctp/vendor-id.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createSecureworksCtpSandbox } from '../../src/sandbox/secureworks-ctp/index.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { VendorError } from '../../src/sources/http/vendor-error.js';
import { createSecureworksCtpClient, type SecureworksCtpClient } from '../../src/sources/secureworks-ctp/client.js';
import { ticketFromCtp } from '../../src/sources/secureworks-ctp/map.js';
import { acknowledgeResponse, attachmentResponse, ctpTicket } from '../../src/sources/secureworks-ctp/wire.js';
import type { SourceConfig } from '../../src/sources/source-config.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createSecureworksCtpSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => control('POST', '/reset'));

function source(overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    name: 'ctp-test',
    vendor: SECUREWORKS_CTP,
    baseUrl: sandbox.apiUrl,
    enabled: true,
    sandbox: true,
    tlsVerify: true,
    pollIntervalSeconds: 0,
    timeoutMs: 2_000,
    credentials: { ...sandbox.credentials },
    settings: {},
    ...overrides,
  };
}

function client(health = new SourceHealthTracker(), overrides: Partial<SourceConfig> = {}): SecureworksCtpClient {
  return createSecureworksCtpClient(source(overrides), { health, retries: 2, backoffLimitMs: 50 });
}

async function control(method: string, path: string, body?: unknown): Promise<any> { // control answers are inspected field by field
  const res = await fetch(`${sandbox.origin}/__sandbox${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 400) throw new Error(`control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

async function createTicket(fields: Record<string, unknown> = {}): Promise<{ ticketId: string; version: string }> {
  return control('POST', '/tickets', { symptomDescription: 'Beaconing to C2', ...fields });
}

function callsTo(pathSuffix: string): number {
  return sandbox.calls.list({ path: `${pathSuffix}$` }).length;
}

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(VendorError);
  return error as VendorError;
}

describe('the updates feed, mapped to tickets', () => {
  it('normalises CTP statuses, priorities, worklogs and dates', async () => {
    const statuses = ['New', 'Queued', 'Active', 'Pending', 'Resolved', 'Closed'];
    for (const status of statuses) await createTicket({ status, priority: 'HIGH', reason: status === 'Closed' ? 'True Positive' : 'Cust. Feedback-Auto-Close' });
    const first = (await control('POST', '/tickets', { priority: 'weird' })).ticketId;
    await control('POST', `/tickets/${first}/worklogs`, { description: 'SOC note', type: 'Client Note' });

    const tickets = (await client().fetchUpdates({ ticketType: 'INCIDENT', groupingType: 'SECURITY', limit: 500 })).map(ticketFromCtp);
    expect(tickets.map((t) => t.status)).toEqual(['OPEN', 'OPEN', 'IN_PROGRESS', 'PENDING', 'CLOSED', 'CLOSED', 'OPEN']);
    expect(tickets[0]).toMatchObject({ priority: 'HIGH', title: 'Beaconing to C2', vendorStatus: 'New', ticketType: 'INCIDENT', groupingType: 'SECURITY', closeCode: null, closedAt: null });
    expect(tickets[5]).toMatchObject({ closeCode: 'True Positive', closedAt: expect.any(Date) });
    expect(tickets[0]!.closeCodes).toContain('False Positive');

    const withWorklog = tickets[6]!;
    expect(withWorklog.priority).toBe('UNKNOWN');
    const [worklog] = withWorklog.worklogs;
    expect(worklog).toMatchObject({ author: 'Secureworks SOC', type: 'Client Note', body: 'SOC note' });
    expect(worklog!.externalKey).toBe(`${worklog!.createdAt.getTime()}:Client Note`);
    expect(withWorklog.fields).not.toHaveProperty('worklogs');
    expect(withWorklog.fields).toMatchObject({ ticketId: withWorklog.externalId, contact: { id: expect.any(String) } });
    expect(withWorklog.updatedAt.getTime()).toBeGreaterThanOrEqual(withWorklog.createdAt.getTime());

    const updates = sandbox.calls.list({ path: '/tickets/updates$' });
    expect(updates[0]!.query).toEqual({ ticketType: 'INCIDENT', groupingType: 'SECURITY', limit: '500' });
    expect(updates[0]!.body).toBeNull();
  });

  it('pages by acknowledging what it read', async () => {
    for (let i = 0; i < 5; i += 1) await createTicket();
    const ctp = client();
    const seen: string[] = [];
    for (let page = await ctp.fetchUpdates({ limit: 2 }); page.length > 0; page = await ctp.fetchUpdates({ limit: 2 })) {
      seen.push(...page.map((t) => t.ticketId));
      const acks = await ctp.acknowledge(page);
      expect(acks.every((a) => a.code === 'SUCCESS')).toBe(true);
    }
    expect(new Set(seen).size).toBe(5);
    expect(callsTo('/tickets/updates')).toBe(4);
    expect(await ctp.acknowledge([])).toEqual([]);
    expect(callsTo('/tickets/acknowledge')).toBe(3);
  });
});

describe('ticket calls', () => {
  it('reads a ticket with or without worklogs and its close codes', async () => {
    const { ticketId } = await createTicket();
    await control('POST', `/tickets/${ticketId}/worklogs`, { description: 'first' });
    await control('PUT', `/tickets/${ticketId}/close-codes`, { closeCodes: ['Threat Mitigated', 'Not Actionable'] });
    const ctp = client();
    expect((await ctp.getTicket(ticketId)).worklogs).toHaveLength(1);
    expect((await ctp.getTicket(ticketId, { includeWorklogs: false })).worklogs).toEqual([]);
    expect(await ctp.listCloseCodes(ticketId)).toEqual(['Threat Mitigated', 'Not Actionable']);
  });

  it('closes a ticket with code and resolution summary, and reports a refused close as UPSTREAM_REJECTED', async () => {
    const { ticketId } = await createTicket();
    const ctp = client();
    await ctp.closeTicket(ticketId, { closeCode: 'False Positive', worklogContent: 'Benign admin script.' });
    const { hubWrites } = await control('GET', `/tickets/${ticketId}`);
    expect(hubWrites).toEqual([expect.objectContaining({ kind: 'close', closeCode: 'False Positive', worklogContent: 'Benign admin script.' })]);
    expect((await ctp.getTicket(ticketId)).status).toBe('Closed');

    const refused = await failure(ctp.closeTicket(ticketId, { closeCode: 'False Positive' }));
    expect(refused.code).toBe('UPSTREAM_REJECTED');
    expect(refused.message).toContain('already closed');
    expect(callsTo(`/tickets/${ticketId}/close`)).toBe(2);
  });

  it('adds a worklog and writes customer fields', async () => {
    const { ticketId } = await createTicket();
    const ctp = client();
    await ctp.addWorklog(ticketId, 'Host isolated by the SOC.');
    await ctp.updateTicket(ticketId, { externalTicketNum: '2095', customerMiscellaneous4: 'resilient' });
    const ticket = await ctp.getTicket(ticketId);
    expect(ticket.worklogs[0]).toMatchObject({ description: 'Host isolated by the SOC.', type: 'Customer Comment' });
    expect(ticket).toMatchObject({ externalTicketNum: '2095', customerMiscellaneous4: 'resilient' });
  });

  it('downloads an attachment and decodes it from base64', async () => {
    const { ticketId } = await createTicket();
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);
    const { id } = await control('POST', `/tickets/${ticketId}/attachments`, { name: 'sample.bin', contentBase64: bytes.toString('base64') });
    const download = await client().downloadAttachment(ticketId, id);
    expect(download.filename).toBe('sample.bin');
    expect(download.content.equals(bytes)).toBe(true);
  });

  it('maps 404 to UPSTREAM_NOT_FOUND without hurting source health', async () => {
    const health = new SourceHealthTracker();
    const error = await failure(client(health).getTicket('IN12345678'));
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(health.get('ctp-test').status).toBe('UNKNOWN');
  });

  it('maps bad credentials to UPSTREAM_AUTH, never echoing the secret', async () => {
    const health = new SourceHealthTracker();
    const password = 'not-the-right-api-key';
    const error = await failure(client(health, { credentials: { username: sandbox.credentials.username!, password } }).fetchUpdates());
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.message).not.toContain(password);
    expect(health.get('ctp-test').status).toBe('DEGRADED');
    expect(callsTo('/tickets/updates')).toBe(1);
  });
});

describe('resilience', () => {
  async function faults(settings: Record<string, unknown>): Promise<void> {
    await control('PUT', '/faults', settings);
  }

  it('waits out a 429 with Retry-After on the feed and then succeeds', async () => {
    await createTicket();
    await faults({ pathPattern: '/tickets/updates$', next: [{ status: 429, retryAfterSeconds: 1 }] });
    const started = Date.now();
    expect(await client().fetchUpdates()).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(callsTo('/tickets/updates')).toBe(2);
  });

  it('retries a 5xx on reads and on the acknowledge (safe to repeat)', async () => {
    const ticket = await createTicket();
    const ctp = client();
    await faults({ pathPattern: `/tickets/${ticket.ticketId}$`, next: [{ status: 503 }] });
    expect((await ctp.getTicket(ticket.ticketId)).ticketId).toBe(ticket.ticketId);
    await faults({ pathPattern: '/tickets/acknowledge$', next: [{ status: 502 }] });
    expect(await ctp.acknowledge([ticket])).toEqual([{ ticketId: ticket.ticketId, code: 'SUCCESS' }]);
    expect(callsTo(`/tickets/${ticket.ticketId}`)).toBe(2);
    expect(callsTo('/tickets/acknowledge')).toBe(2);
  });

  it('does not repeat a close after a 5xx (it may have closed)', async () => {
    const { ticketId } = await createTicket();
    await faults({ pathPattern: '/close$', next: [{ status: 500 }] });
    const health = new SourceHealthTracker();
    const error = await failure(client(health).closeTicket(ticketId, { closeCode: 'Work Completed' }));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 500 });
    expect(callsTo('/close')).toBe(1);
    expect(health.get('ctp-test').status).toBe('DEGRADED');
  });

  it('gives up on a hung feed with UPSTREAM_UNAVAILABLE after its retries', async () => {
    await faults({ pathPattern: '/tickets/updates$', timeoutRate: 1, hangMs: 5_000 });
    const injectedBefore = sandbox.faults.injected;
    const error = await failure(client(new SourceHealthTracker(), { timeoutMs: 200 }).fetchUpdates());
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('timed out');
    expect(sandbox.faults.injected - injectedBefore).toBe(3); // first attempt + 2 retries, each hung
  });

  it('re-reads a malformed feed answer, but not a malformed close answer', async () => {
    const { ticketId } = await createTicket();
    await faults({ pathPattern: '/tickets/updates$', next: [{ malformed: true }] });
    expect(await client().fetchUpdates()).toHaveLength(1);
    expect(callsTo('/tickets/updates')).toBe(2);

    await faults({ pathPattern: '/close$', next: [{ malformed: true }] });
    const error = await failure(client().closeTicket(ticketId, { closeCode: 'Work Completed' }));
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(callsTo('/close')).toBe(1);
  });
});

describe('wire tolerance for shapes other clients have seen', () => {
  it('reads the single-object acknowledge answer of early IBM builds as a list', () => {
    expect(acknowledgeResponse.parse({ code: 'SUCCESS', ticketId: 'IN1' })).toEqual([{ code: 'SUCCESS', ticketId: 'IN1' }]);
  });

  it('falls back to a top-level attachment `content`', () => {
    expect(attachmentResponse.parse({ content: 'aGk=' })).toEqual({ filename: null, contentBase64: 'aGk=' });
    expect(attachmentResponse.safeParse({}).success).toBe(false);
  });

  it('reads an empty-string dateClosed and null lists as absent', () => {
    const ticket = ctpTicket.parse({ ticketId: 'IN1', version: 'v', status: 'New', dateCreated: 1, dateClosed: '', worklogs: null, attachmentInfo: null });
    expect(ticketFromCtp(ticket)).toMatchObject({ closedAt: null, worklogs: [], attachments: [] });
  });
});
