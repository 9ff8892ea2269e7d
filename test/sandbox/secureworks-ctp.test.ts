import { request as httpRequest } from 'node:http';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createSecureworksCtpSandbox } from '../../src/sandbox/secureworks-ctp/index.js';

interface Answer {
  status: number;
  /** Wire JSON, inspected field by field. */
  body: any;
}

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createSecureworksCtpSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => control('POST', '/reset'));

function apiKeyHeader(): string {
  return `APIKEY ${sandbox.credentials.username}:${sandbox.credentials.password}`;
}

async function api(method: string, path: string, options: { body?: unknown; authorization?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const authorization = options.authorization === undefined ? apiKeyHeader() : options.authorization;
  if (authorization !== null) headers.Authorization = authorization;
  const res = await fetch(sandbox.apiUrl + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: res.status, body: await res.json() };
}

async function control(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sandbox.origin}/__sandbox${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

async function createTicket(fields: Record<string, unknown> = {}): Promise<any> {
  const created = await control('POST', '/tickets', { symptomDescription: 'Suspicious login', ...fields });
  expect(created.status).toBe(201);
  return created.body;
}

async function acknowledge(...tickets: { ticketId: string; version: string }[]): Promise<Answer> {
  return api('POST', '/tickets/acknowledge', { body: { ticketVersions: tickets.map(({ ticketId, version }) => ({ ticketId, version })) } });
}

describe('authentication', () => {
  it('accepts only `APIKEY user:secret`, verbatim', async () => {
    await createTicket();
    expect((await api('POST', '/tickets/updates')).status).toBe(200);

    const missing = await api('POST', '/tickets/updates', { authorization: null });
    expect(missing).toEqual({ status: 401, body: { code: 'ERROR', message: expect.any(String) } });
    expect((await api('POST', '/tickets/updates', { authorization: `APIKEY ${sandbox.credentials.username}:wrong` })).status).toBe(401);
    const basic = `Basic ${Buffer.from(`${sandbox.credentials.username}:${sandbox.credentials.password}`).toString('base64')}`;
    expect((await api('POST', '/tickets/updates', { authorization: basic })).status).toBe(401);
  });
});

describe('the updates feed', () => {
  it('serves full ticket objects with numeric dates, string flags and never-missing lists', async () => {
    const created = await createTicket({ detailedDescription: 'line one\nline two' });
    const { status, body } = await api('POST', '/tickets/updates');
    expect(status).toBe(200);
    const [ticket] = body.tickets;
    expect(ticket).toMatchObject({
      ticketId: expect.stringMatching(/^IN\d{8}$/),
      ticketType: 'INCIDENT',
      groupingType: 'SECURITY',
      status: 'New',
      version: created.version,
      dateCreated: expect.any(Number),
      dateModified: expect.any(Number),
      dateClosed: null,
      worklogs: [],
      attachmentInfo: [],
      availableActions: { close: { available: 'true', closeCode: expect.arrayContaining(['True Positive', 'Work Completed']) } },
    });
    expect(ticket.version).toMatch(/^[0-9a-f]{100}$/);
  });

  it('orders by last change, oldest first, and cuts at limit (1–500, default 10)', async () => {
    const first = await createTicket();
    const others = [];
    for (let i = 0; i < 11; i += 1) others.push(await createTicket());
    await control('POST', `/tickets/${first.ticketId}/worklogs`, { description: 'touch' });

    const page = await api('POST', '/tickets/updates');
    expect(page.body.tickets).toHaveLength(10);
    expect(page.body.tickets.map((t: any) => t.ticketId)).toEqual(others.slice(0, 10).map((t) => t.ticketId));
    const all = await api('POST', '/tickets/updates?limit=500');
    expect(all.body.tickets.at(-1).ticketId).toBe(first.ticketId);

    for (const limit of ['0', '501', 'ten']) {
      const refused = await api('POST', `/tickets/updates?limit=${limit}`);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('ERROR');
    }
  });

  it('filters by ticketType and by one or several groupingType values', async () => {
    const security = await createTicket({ groupingType: 'SECURITY' });
    const health = await createTicket({ groupingType: 'HEALTH', eventSource: 'CTP_HEALTH' });
    const request = await createTicket({ ticketType: 'SERVICE_REQUEST', groupingType: 'REQUEST' });
    expect(request.ticketId).toMatch(/^SR\d+$/);

    const ids = async (query: string) => (await api('POST', `/tickets/updates?${query}`)).body.tickets.map((t: any) => t.ticketId);
    expect(await ids('ticketType=INCIDENT&groupingType=SECURITY')).toEqual([security.ticketId]);
    expect(await ids('ticketType=INCIDENT')).toEqual([security.ticketId, health.ticketId]);
    expect(await ids('groupingType=HEALTH&groupingType=REQUEST')).toEqual([health.ticketId, request.ticketId]);
    expect((await api('POST', '/tickets/updates?ticketType=PROBLEM')).status).toBe(400);

    const clientOwned = await createTicket({ responsibleParty: 'CLIENT' });
    expect(await ids('assignedToCustomer=true')).toEqual([clientOwned.ticketId]);
    expect(await ids('assignedToCustomer=false')).toHaveLength(4);
  });

  it('counts and lists pending ids in feed order', async () => {
    const a = await createTicket();
    const b = await createTicket();
    expect((await api('POST', '/tickets/count?ticketType=INCIDENT')).body).toEqual({ ticketCount: 2 });
    expect((await api('POST', '/tickets/ids?limit=1')).body).toEqual({ ticketIds: [a.ticketId] });
    await acknowledge(a);
    expect((await api('POST', '/tickets/ids')).body).toEqual({ ticketIds: [b.ticketId] });
  });

  it('keeps only tickets changed in the past 24 hours', async () => {
    await createTicket();
    await control('POST', '/clock', { advanceMs: 24 * 3_600_000 + 1 });
    expect((await api('POST', '/tickets/updates')).body.tickets).toEqual([]);
    expect((await api('POST', '/tickets/count')).body.ticketCount).toBe(0);
  });

  it('serves worklogs newest first, none with worklogs=NONE, and only new ones with worklogs=UPDATED', async () => {
    const ticket = await createTicket();
    await control('POST', `/tickets/${ticket.ticketId}/worklogs`, { description: 'first' });
    await control('POST', `/tickets/${ticket.ticketId}/worklogs`, { description: 'second', type: 'Client Notification' });
    const [full] = (await api('POST', '/tickets/updates')).body.tickets;
    expect(full.worklogs.map((w: any) => w.description)).toEqual(['second', 'first']);
    expect(full.worklogs[0].dateCreated).toBeGreaterThan(full.worklogs[1].dateCreated);
    expect((await api('POST', '/tickets/updates?worklogs=NONE')).body.tickets[0].worklogs).toEqual([]);

    await acknowledge(full);
    await control('POST', `/tickets/${ticket.ticketId}/worklogs`, { description: 'third' });
    const [updated] = (await api('POST', '/tickets/updates?worklogs=UPDATED')).body.tickets;
    expect(updated.worklogs.map((w: any) => w.description)).toEqual(['third']);
  });
});

describe('acknowledgement', () => {
  it('takes the acknowledged version out of the feed until the ticket changes again', async () => {
    const a = await createTicket();
    const b = await createTicket();
    const ack = await acknowledge(a);
    expect(ack).toEqual({ status: 200, body: [{ ticketId: a.ticketId, code: 'SUCCESS' }] });
    expect((await api('POST', '/tickets/updates')).body.tickets.map((t: any) => t.ticketId)).toEqual([b.ticketId]);

    await control('PATCH', `/tickets/${a.ticketId}`, { status: 'Active' });
    const [, again] = (await api('POST', '/tickets/updates')).body.tickets;
    expect(again.ticketId).toBe(a.ticketId);
    expect(again.version).not.toBe(a.version);
  });

  it('refuses stale versions and unknown tickets per entry, leaving the newer change in the feed', async () => {
    const a = await createTicket();
    await control('PATCH', `/tickets/${a.ticketId}`, { priority: 'HIGH' });
    const answer = await acknowledge(a, { ticketId: 'IN00000000', version: 'abc' });
    expect(answer.body).toEqual([
      { ticketId: a.ticketId, code: 'STALE_VERSION' },
      { ticketId: 'IN00000000', code: 'TICKET_NOT_FOUND' },
    ]);
    expect((await api('POST', '/tickets/updates')).body.tickets).toHaveLength(1);
    expect((await api('POST', '/tickets/acknowledge', { body: { ticketVersions: [] } })).status).toBe(400);
  });

  it('records acknowledgements for read-back', async () => {
    const a = await createTicket();
    await acknowledge(a);
    const { body } = await control('GET', `/writes?kind=acknowledge&ticketId=${a.ticketId}`);
    expect(body.writes).toEqual([expect.objectContaining({ kind: 'acknowledge', ticketId: a.ticketId, version: a.version, code: 'SUCCESS' })]);
  });
});

describe('tickets, close codes and closing', () => {
  it('reads one ticket, with or without worklogs, and 404s an unknown one', async () => {
    const a = await createTicket();
    await control('POST', `/tickets/${a.ticketId}/worklogs`, { description: 'note' });
    expect((await api('GET', `/tickets/${a.ticketId}`)).body.worklogs).toHaveLength(1);
    expect((await api('GET', `/tickets/${a.ticketId}?includeWorklogs=false`)).body.worklogs).toEqual([]);
    expect(await api('GET', '/tickets/IN99999999')).toEqual({ status: 404, body: { code: 'ERROR', message: expect.stringContaining('IN99999999') } });
  });

  it('serves each ticket its own close codes', async () => {
    const a = await createTicket();
    await control('PUT', `/tickets/${a.ticketId}/close-codes`, { closeCodes: ['Threat Mitigated', 'Not Actionable'] });
    expect((await api('GET', `/tickets/${a.ticketId}/close-codes`)).body).toEqual({ closeCodes: ['Threat Mitigated', 'Not Actionable'] });
    expect((await api('GET', `/tickets/${a.ticketId}`)).body.availableActions.close.closeCode).toEqual(['Threat Mitigated', 'Not Actionable']);
  });

  it('closes with a listed code: status, reason, dateClosed, a worklog, a new version, `ticketID` with a capital D', async () => {
    const a = await createTicket();
    await acknowledge(a);
    const closed = await api('POST', `/tickets/${a.ticketId}/close`, { body: { closeCode: 'True Positive', worklogContent: 'Contained by the SOC.' } });
    expect(closed).toEqual({ status: 200, body: { code: 'SUCCESS', ticketID: a.ticketId } });

    const [ticket] = (await api('POST', '/tickets/updates')).body.tickets;
    expect(ticket).toMatchObject({ ticketId: a.ticketId, status: 'Closed', reason: 'True Positive', dateClosed: expect.any(Number) });
    expect(ticket.version).not.toBe(a.version);
    expect(ticket.worklogs[0]).toMatchObject({ description: 'Contained by the SOC.', type: 'Customer Comment', createdBy: sandbox.credentials.username });
    expect(ticket.availableActions.close.available).toBe('false');
    const writes = (await control('GET', `/writes?kind=close`)).body.writes;
    expect(writes).toEqual([expect.objectContaining({ ticketId: a.ticketId, closeCode: 'True Positive', worklogContent: 'Contained by the SOC.' })]);
  });

  it('refuses a code outside the list, an unavailable close, a closed ticket and a missing code', async () => {
    const a = await createTicket();
    expect((await api('POST', `/tickets/${a.ticketId}/close`, { body: { closeCode: 'Cust. Feedback-Auto-Close' } })).status).toBe(400);
    expect((await api('POST', `/tickets/${a.ticketId}/close`, { body: {} })).status).toBe(400);
    await control('PUT', `/tickets/${a.ticketId}/close-codes`, { closeCodes: ['Work Completed'], available: false });
    expect((await api('POST', `/tickets/${a.ticketId}/close`, { body: { closeCode: 'Work Completed' } })).status).toBe(400);

    const b = await createTicket();
    expect((await api('POST', `/tickets/${b.ticketId}/close`, { body: { closeCode: 'Work Completed' } })).status).toBe(200);
    const again = await api('POST', `/tickets/${b.ticketId}/close`, { body: { closeCode: 'Work Completed' } });
    expect(again).toEqual({ status: 400, body: { code: 'ERROR', message: expect.stringContaining('already closed') } });
  });

  it('can require an acknowledgement before a close', async () => {
    await control('PUT', '/settings', { requireAcknowledgeBeforeClose: true });
    const a = await createTicket();
    expect((await api('POST', `/tickets/${a.ticketId}/close`, { body: { closeCode: 'Work Completed' } })).status).toBe(400);
    await acknowledge(a);
    expect((await api('POST', `/tickets/${a.ticketId}/close`, { body: { closeCode: 'Work Completed' } })).status).toBe(200);
  });

  it('shows a portal close with any reason, Resolved included, in the feed', async () => {
    const a = await createTicket();
    await acknowledge(a);
    await control('POST', `/tickets/${a.ticketId}/close`, { closeCode: 'Cust. Feedback-Auto-Close', status: 'Resolved' });
    const [ticket] = (await api('POST', '/tickets/updates')).body.tickets;
    expect(ticket).toMatchObject({ status: 'Resolved', reason: 'Cust. Feedback-Auto-Close', dateClosed: expect.any(Number) });
  });
});

describe('worklogs, updates and attachments written by the customer', () => {
  it('adds a worklog and answers `ticketId`', async () => {
    const a = await createTicket();
    expect(await api('POST', `/tickets/${a.ticketId}/worklogs`, { body: { content: 'Isolated the host.' } }))
      .toEqual({ status: 200, body: { code: 'SUCCESS', ticketId: a.ticketId } });
    expect((await api('POST', `/tickets/${a.ticketId}/worklogs`, { body: {} })).status).toBe(400);
    const [ticket] = (await api('POST', '/tickets/updates')).body.tickets;
    expect(ticket.worklogs[0]).toMatchObject({ description: 'Isolated the host.', type: 'Customer Comment' });
  });

  it('updates customer-writable fields only', async () => {
    const a = await createTicket();
    expect(await api('POST', `/tickets/${a.ticketId}`, { body: { externalTicketNum: '2095' } }))
      .toEqual({ status: 200, body: { code: 'SUCCESS', ticketID: a.ticketId } });
    expect((await api('GET', `/tickets/${a.ticketId}`)).body.externalTicketNum).toBe('2095');
    expect((await api('POST', `/tickets/${a.ticketId}`, { body: { status: 'Closed' } })).status).toBe(400);
  });

  it('serves an attachment as base64 inside `attachment`, with an "Attachment" worklog', async () => {
    const a = await createTicket();
    const added = await control('POST', `/tickets/${a.ticketId}/attachments`, { name: 'pcap-summary.txt', text: 'this is a test file' });
    const ticket = (await api('GET', `/tickets/${a.ticketId}`)).body;
    expect(ticket.attachmentInfo).toEqual([{ id: added.body.id, name: 'pcap-summary.txt' }]);
    expect(ticket.worklogs[0]).toMatchObject({ type: 'Attachment', description: 'Attachment added to ticket: pcap-summary.txt\n.' });

    const download = await api('GET', `/tickets/${a.ticketId}/attachments/${added.body.id}`);
    expect(download.body).toEqual({ attachment: { filename: 'pcap-summary.txt', content: Buffer.from('this is a test file').toString('base64') } });
    expect((await api('GET', `/tickets/${a.ticketId}/attachments/1`)).status).toBe(404);
  });

  it('ignores the JSON body IBM sends on the attachment GET', async () => {
    const a = await createTicket();
    const added = await control('POST', `/tickets/${a.ticketId}/attachments`, { name: 'x.txt', text: 'x' });
    const path = `/api/ticket/v3/tickets/${a.ticketId}/attachments/${added.body.id}`;
    const payload = JSON.stringify({ id: a.ticketId, attachmentId: added.body.id });
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(sandbox.origin + path, {
        method: 'GET',
        headers: { Authorization: apiKeyHeader(), 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(payload);
    });
    expect(answer.status).toBe(200);
    expect(answer.body.attachment.filename).toBe('x.txt');
  });
});

describe('seeding at bench scale', () => {
  it('seeds 10,000 tickets × 3 worklogs × one 4 KB attachment and pages the feed in constant time per page', async () => {
    const started = Date.now();
    const seeded = await control('POST', '/seed', { count: 10_000, worklogsPerTicket: 3, attachmentsPerTicket: 1, attachmentBytes: 4096 });
    expect(seeded.status).toBe(201);
    expect(seeded.body.created).toBe(10_000);
    const seedMs = Date.now() - started;

    const seen = new Set<string>();
    const pageMs: number[] = [];
    for (;;) {
      const pageStarted = Date.now();
      const { body } = await api('POST', '/tickets/updates?limit=500&ticketType=INCIDENT&groupingType=SECURITY');
      pageMs.push(Date.now() - pageStarted);
      if (body.tickets.length === 0) break;
      for (const t of body.tickets) {
        expect(seen.has(t.ticketId)).toBe(false);
        seen.add(t.ticketId);
      }
      expect(body.tickets[0].worklogs).toHaveLength(3);
      expect(body.tickets[0].attachmentInfo).toHaveLength(1);
      await acknowledge(...body.tickets);
    }
    expect(seen.size).toBe(10_000);
    expect(seedMs).toBeLessThan(5_000);
    // The last pages cost no more than the first: no scan over acknowledged tickets.
    expect(Math.max(...pageMs.slice(-3))).toBeLessThan(Math.max(250, 3 * Math.max(...pageMs.slice(0, 3))));

    const [firstId] = seeded.body.ticketIds;
    const ticket = (await api('GET', `/tickets/${firstId}`)).body;
    const download = await api('GET', `/tickets/${firstId}/attachments/${ticket.attachmentInfo[0].id}`);
    expect(Buffer.from(download.body.attachment.content, 'base64')).toHaveLength(4096);
    expect((await control('GET', '/summary')).body).toMatchObject({ tickets: 10_000, inFeed: 0, acknowledgements: 10_000 });
  });
});
