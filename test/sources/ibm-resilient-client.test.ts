import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IBM_RESILIENT } from '../../src/sources/ibm-resilient/vendor-id.js';
import { createIbmResilientSandbox } from '../../src/sandbox/ibm-resilient/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { VendorError } from '../../src/sources/http/vendor-error.js';
import { createIbmResilientClient, type IbmResilientClient } from '../../src/sources/ibm-resilient/client.js';
import { incidentsForTicket, ticketIncidentsModifiedSince } from '../../src/sources/ibm-resilient/incident-queries.js';
import { attachmentFromResilient, incidentFromResilient, notesFromComments } from '../../src/sources/ibm-resilient/map.js';
import { fieldChange, type NewIncident } from '../../src/sources/ibm-resilient/wire.js';
import type { SourceConfig } from '../../src/sources/source-config.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createIbmResilientSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => control('POST', '/reset'));

function source(overrides: Partial<SourceConfig> = {}, target = sandbox): SourceConfig {
  return {
    name: 'soar-test',
    vendor: IBM_RESILIENT,
    baseUrl: target.apiUrl,
    enabled: true,
    sandbox: true,
    tlsVerify: true,
    pollIntervalSeconds: 0,
    timeoutMs: 2_000,
    credentials: { ...target.credentials },
    settings: {},
    ...overrides,
  };
}

function client(health = new SourceHealthTracker(), overrides: Partial<SourceConfig> = {}, target = sandbox): IbmResilientClient {
  return createIbmResilientClient(source(overrides, target), { health, retries: 2, backoffLimitMs: 50 });
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

function escalation(ticketId = 'IN30000001'): NewIncident {
  return {
    name: `Secureworks CTP Incident - for Ticket ID ${ticketId}`,
    discovered_date: 1_538_649_244_000,
    start_date: 1_538_649_244_000,
    description: { format: 'html', content: '<div><p>Beaconing to C2<br>Host: WS-1042</p></div>' },
    severity_code: 'High',
    properties: { scwx_ctp_ticket_id: ticketId, scwx_ctp_status: 'New', scwx_ctp_date_created: 1_538_649_244_000 },
  };
}

const closeChanges = (closeCode: string | null) => [
  fieldChange('plan_status', 'C', 'A'),
  fieldChange('resolution_id', { name: 'Resolved' }),
  fieldChange('resolution_summary', { format: 'text', content: 'Secureworks Ticket closed in Secureworks.' }),
  fieldChange('scwx_ctp_close_code', closeCode),
  fieldChange('scwx_ctp_status', 'Closed'),
];

function callsTo(pattern: string): number {
  return sandbox.calls.list({ path: pattern }).length;
}

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(VendorError);
  return error as VendorError;
}

describe('org discovery', () => {
  it('uses the only enabled org when none is configured, and asks the session once', async () => {
    const soar = client();
    await soar.createIncident(escalation('IN1'));
    await soar.createIncident(escalation('IN2'));
    expect(callsTo('^/rest/session$')).toBe(1);
    expect(sandbox.calls.list({ path: '/incidents$' }).map((c) => c.path)).toEqual(['/rest/orgs/201/incidents', '/rest/orgs/201/incidents']);
  });

  it('finds the configured org by name or uuid, and refuses a disabled or unknown one', async () => {
    const { orgs } = await client().session();
    expect((await client(undefined, { settings: { org: orgs[0]!.uuid! } }).closeRequiredFields()).length).toBeGreaterThan(0);
    expect((await client(undefined, { settings: { org: 'Sandbox SOC' } }).closeRequiredFields()).length).toBeGreaterThan(0);

    const health = new SourceHealthTracker();
    const disabled = await failure(client(health, { settings: { org: 'Legacy SOC' } }).getIncident(2095));
    expect(disabled.code).toBe('UPSTREAM_AUTH');
    expect(disabled.message).toContain("org 'Legacy SOC' is disabled");
    expect(health.get('soar-test').status).toBe('DEGRADED');
    const unknown = await failure(client(undefined, { settings: { org: 'Nowhere' } }).getIncident(2095));
    expect(unknown.message).toContain("org 'Nowhere' is not among");
  });
});

describe('incidents', () => {
  it('creates and reads an incident, mapped with labels, text and custom fields', async () => {
    const soar = client();
    const created = await soar.createIncident(escalation());
    const incident = incidentFromResilient(await soar.getIncident(created.id), sandbox.apiUrl);
    expect(incident).toMatchObject({
      externalId: String(created.id),
      url: `${sandbox.origin}/#incidents/${created.id}`,
      title: 'Secureworks CTP Incident - for Ticket ID IN30000001',
      description: '<div><p>Beaconing to C2<br>Host: WS-1042</p></div>',
      status: 'OPEN',
      severity: 'High',
      resolution: null,
      version: '1',
      closedAt: null,
      customFields: { scwx_ctp_ticket_id: 'IN30000001', scwx_ctp_status: 'New', scwx_ctp_date_created: 1_538_649_244_000 },
    });
    expect(incident.createdAt).toBeInstanceOf(Date);
    const [createCall] = sandbox.calls.list({ method: 'POST', path: '/incidents$' });
    expect(createCall!.query).toEqual({ handle_format: 'names' });
  });

  it('PATCHes with vers, reports field conflicts as success:false, and closes with every close-required field', async () => {
    const soar = client();
    const created = await soar.createIncident(escalation());
    expect(await soar.patchIncident(created.id, { version: created.vers, changes: [fieldChange('scwx_ctp_status', 'Active')] }))
      .toMatchObject({ success: true, field_failures: [] });

    const stale = await soar.patchIncident(created.id, { version: created.vers, changes: [fieldChange('severity_code', 'Low', 'Medium')] });
    expect(stale).toMatchObject({ success: false, field_failures: [{ field: 'severity_code', your_original_value: 'Medium', actual_current_value: 'High' }] });

    const refused = await failure(soar.patchIncident(created.id, { version: created.vers + 1, changes: closeChanges(null) }));
    expect(refused).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 400 });
    expect(refused.message).toContain('Missing mandatory field(s) to close an incident: [scwx_ctp_close_code]');

    expect((await soar.patchIncident(created.id, { version: created.vers + 1, changes: closeChanges('True Positive') })).success).toBe(true);
    const closed = incidentFromResilient(await soar.getIncident(created.id), sandbox.apiUrl);
    expect(closed).toMatchObject({
      status: 'CLOSED', resolution: 'Resolved', resolutionSummary: 'Secureworks Ticket closed in Secureworks.', version: '3',
      customFields: { scwx_ctp_close_code: 'True Positive', scwx_ctp_status: 'Closed' },
    });
    expect(closed.closedAt).toBeInstanceOf(Date);
    const [patchCall] = sandbox.calls.list({ method: 'PATCH' });
    expect(patchCall!.body).toEqual({ version: created.vers, changes: [{ field: 'scwx_ctp_status', old_value: { object: null }, new_value: { object: 'Active' } }] });
  });

  it('surfaces a 409 on PATCH as UPSTREAM_CONFLICT without retrying it', async () => {
    const soar = client();
    const created = await soar.createIncident(escalation());
    await control('PUT', '/faults', { method: 'PATCH', next: [{ status: 409 }] });
    const conflict = await failure(soar.patchIncident(created.id, { version: created.vers, changes: [fieldChange('scwx_ctp_status', 'Active')] }));
    expect(conflict).toMatchObject({ code: 'UPSTREAM_CONFLICT', status: 409 });
    expect(sandbox.calls.list({ method: 'PATCH' })).toHaveLength(1);
  });

  it('queries a ticket\'s incidents (all, or only active) and ticket incidents modified since a time', async () => {
    const soar = client();
    const first = await soar.createIncident(escalation('IN1'));
    await soar.patchIncident(first.id, { version: first.vers, changes: closeChanges('Work Completed') });
    const since = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 5));
    const second = await soar.createIncident(escalation('IN1'));
    await soar.createIncident({ ...escalation('unused'), properties: {} });

    const all = await soar.queryIncidents(incidentsForTicket('IN1'), { start: 0, length: 50 });
    expect(all).toMatchObject({ recordsTotal: 3, recordsFiltered: 2 });
    expect(all.data.map((i) => i.id)).toEqual([second.id, first.id]);
    const active = await soar.queryIncidents(incidentsForTicket('IN1', { activeOnly: true }), { start: 0, length: 50 });
    expect(active.data.map((i) => i.id)).toEqual([second.id]);
    const page2 = await soar.queryIncidents(incidentsForTicket('IN1'), { start: 1, length: 1 });
    expect(page2.data.map((i) => i.id)).toEqual([first.id]);

    const modified = await soar.queryIncidents(ticketIncidentsModifiedSince(since), { start: 0, length: 50 });
    expect(modified.data.map((i) => i.id)).toEqual([second.id]);
    expect(modified.data[0]!.plan_status).toBe('A');
  });
});

describe('notes and attachments', () => {
  it('posts notes and reads their HTML back verbatim, replies flattened after their parent', async () => {
    const soar = client();
    const { id } = await soar.createIncident(escalation());
    const html = '<b>Secureworks CTP Worklog:</b> 1539595726000<br />    <b>Type:</b> Customer Comment<br />';
    const note = await soar.addComment(id, { format: 'html', content: html });
    await soar.addComment(id, 'a reply', note.id);

    const notes = notesFromComments(await soar.listComments(id));
    expect(notes).toEqual([
      { externalId: String(note.id), body: html, createdAt: expect.any(Date) },
      { externalId: expect.any(String), body: 'a reply', createdAt: expect.any(Date) },
    ]);
  });

  it('uploads a file by multipart, typed from its name, and lists it with its size', async () => {
    const soar = client();
    const { id } = await soar.createIncident(escalation());
    const content = Buffer.alloc(4096, 'WS-1042 evidence\n');
    const uploaded = await soar.uploadAttachment(id, { name: 'evidence-1.log', content, description: 'from CTP' });
    expect(uploaded).toMatchObject({ name: 'evidence-1.log', content_type: 'text/plain', size: 4096 });
    await soar.uploadAttachment(id, { name: 'dump.bin', content: Buffer.from([1, 2, 3]) });

    expect((await soar.listAttachments(id)).map(attachmentFromResilient)).toEqual([
      { externalId: String(uploaded.id), name: 'evidence-1.log', contentType: 'text/plain', size: 4096 },
      { externalId: expect.any(String), name: 'dump.bin', contentType: 'application/octet-stream', size: 3 },
    ]);
    const { incidents } = await control('GET', '/incidents?ticketId=IN30000001');
    expect(incidents[0].attachments[0]).toMatchObject({ description: 'from CTP', size: 4096 });
  });
});

describe('field definitions', () => {
  it('names the close-required fields and replaces a select\'s values, keeping the IDs of kept labels', async () => {
    const soar = client();
    expect(await soar.closeRequiredFields()).toEqual(['resolution_id', 'resolution_summary', 'scwx_ctp_close_code']);

    const before = await soar.getIncidentField('scwx_ctp_close_code');
    const keptId = before.values.find((v) => v.label === 'Inconclusive')!.value;
    const after = await soar.replaceSelectValues('scwx_ctp_close_code', ['Inconclusive', 'Threat Mitigated', 'Not Actionable']);
    expect(after.values.map((v) => v.label)).toEqual(['Inconclusive', 'Threat Mitigated', 'Not Actionable']);
    expect(after.values[0]!.value).toBe(keptId);
    expect(new Set(after.values.map((v) => v.value)).size).toBe(3);

    const created = await soar.createIncident(escalation());
    const closeWithOldCode = await failure(soar.patchIncident(created.id, { version: created.vers, changes: closeChanges('True Positive') }));
    expect(closeWithOldCode.code).toBe('UPSTREAM_REJECTED');
    expect((await soar.patchIncident(created.id, { version: created.vers, changes: closeChanges('Threat Mitigated') })).success).toBe(true);
  });
});

describe('resilience', () => {
  it('waits out a 429 with Retry-After on a query and then succeeds', async () => {
    const soar = client();
    await soar.createIncident(escalation());
    await control('PUT', '/faults', { pathPattern: 'query_paged$', next: [{ status: 429, retryAfterSeconds: 1 }] });
    const started = Date.now();
    expect((await soar.queryIncidents(incidentsForTicket('IN30000001'), { start: 0, length: 10 })).recordsFiltered).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(callsTo('query_paged$')).toBe(2);
  });

  it('retries a 5xx on a read but never on a create', async () => {
    const soar = client();
    const { id } = await soar.createIncident(escalation());
    await control('PUT', '/faults', { method: 'GET', next: [{ status: 503 }] });
    expect((await soar.getIncident(id)).id).toBe(id);
    expect(callsTo(`/incidents/${id}$`)).toBe(2);

    await control('PUT', '/faults', { method: 'POST', pathPattern: '/incidents$', next: [{ status: 502 }] });
    const health = new SourceHealthTracker();
    const error = await failure(client(health).createIncident(escalation('IN2')));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 502 });
    expect(sandbox.calls.list({ method: 'POST', path: '/incidents$' })).toHaveLength(2); // the first create + the failed one
    expect(health.get('soar-test').status).toBe('DEGRADED');
  });

  it('gives up on a hung read with UPSTREAM_UNAVAILABLE after its retries', async () => {
    const soar = client(new SourceHealthTracker(), { timeoutMs: 200 });
    const { id } = await soar.createIncident(escalation());
    await control('PUT', '/faults', { method: 'GET', timeoutRate: 1, hangMs: 5_000 });
    const injectedBefore = sandbox.faults.injected;
    const error = await failure(soar.getIncident(id));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('timed out');
    expect(sandbox.faults.injected - injectedBefore).toBe(3);
  });

  it('re-reads a malformed answer to a read', async () => {
    const soar = client();
    const { id } = await soar.createIncident(escalation());
    await soar.addComment(id, 'note');
    await control('PUT', '/faults', { pathPattern: '/comments$', method: 'GET', next: [{ malformed: true }] });
    expect(await soar.listComments(id)).toHaveLength(1);
    expect(callsTo('/comments$')).toBe(3); // the post, the malformed read, the good read
  });

  it('maps a wrong API key secret to UPSTREAM_AUTH, never echoing it', async () => {
    const secret = 'definitely-not-the-secret';
    const error = await failure(client(undefined, { credentials: { apiKeyId: sandbox.credentials.apiKeyId!, apiKeySecret: secret } }).getIncident(2095));
    expect(error).toMatchObject({ code: 'UPSTREAM_AUTH', status: 401 });
    expect(error.message).not.toContain(secret);
  });
});

describe('TLS', () => {
  it('reaches a self-signed SOAR with its CA file, and names the TLS problem without it', async () => {
    const https = await startSandbox(createIbmResilientSandbox(), { tls: true });
    try {
      const caFile = join(mkdtempSync(join(tmpdir(), 'soar-ca-')), 'ca.pem');
      writeFileSync(caFile, https.certificatePem!);
      expect((await client(undefined, { caFile }, https).session()).orgs).toHaveLength(2);
      const untrusted = await failure(client(undefined, {}, https).session());
      expect(untrusted.code).toBe('UPSTREAM_TLS');
    } finally {
      await https.close();
    }
  });
});
