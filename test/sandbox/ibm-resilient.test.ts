import { createIbmResilientSandbox } from '../../src/sandbox/ibm-resilient/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';

interface Answer {
  status: number;
  /** Wire JSON, inspected field by field. */
  body: any;
}

const ORG = '/rest/orgs/201';
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createIbmResilientSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => control('POST', '/reset'));

function basic(id = sandbox.credentials.apiKeyId, secret = sandbox.credentials.apiKeySecret): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function api(method: string, path: string, options: { body?: unknown; form?: FormData; authorization?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const authorization = options.authorization === undefined ? basic() : options.authorization;
  if (authorization !== null) headers.Authorization = authorization;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(sandbox.origin + path, {
    method,
    headers,
    body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

async function control(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sandbox.origin}/__sandbox${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

async function createIncident(extra: Record<string, unknown> = {}, ticketId = 'IN30000001'): Promise<any> {
  const { status, body } = await api('POST', `${ORG}/incidents`, {
    body: {
      name: `Secureworks CTP Incident - for Ticket ID ${ticketId}`,
      discovered_date: 1_538_649_244_000,
      description: { format: 'html', content: '<div><p>Secureworks API testing</p></div>' },
      properties: { scwx_ctp_ticket_id: ticketId, scwx_ctp_status: 'New' },
      ...extra,
    },
  });
  expect(status).toBe(200);
  return body;
}

function change(field: string, newValue: unknown, oldValue: unknown = null) {
  return { field, old_value: { object: oldValue }, new_value: { object: newValue } };
}

async function patch(id: number, version: number, changes: unknown[], headers: Record<string, string> = {}): Promise<Answer> {
  return api('PATCH', `${ORG}/incidents/${id}`, { body: { version, changes }, headers });
}

const closeChanges = (closeCode = 'True Positive') => [
  change('plan_status', 'C', 'A'),
  change('resolution_id', { name: 'Resolved' }),
  change('resolution_summary', { format: 'text', content: 'Secureworks Ticket closed in Secureworks.' }),
  change('scwx_ctp_close_code', closeCode),
];

describe('authentication and org discovery', () => {
  it('takes the API key as HTTP Basic on every call and answers 401 with the error DTO otherwise', async () => {
    expect((await api('GET', '/rest/session')).status).toBe(200);
    const refused = await api('GET', '/rest/session', { authorization: basic(sandbox.credentials.apiKeyId, 'wrong') });
    expect(refused).toEqual({ status: 401, body: { success: false, title: null, message: 'Unauthorized', hints: [], error_code: 'generic' } });
    expect((await api('GET', `${ORG}/incidents/1`, { authorization: null })).status).toBe(401);
  });

  it('lists the key\'s orgs, and refuses a disabled or foreign org', async () => {
    const { body } = await api('GET', '/rest/session');
    expect(body.orgs).toEqual([
      expect.objectContaining({ id: 201, name: 'Sandbox SOC', enabled: true, uuid: expect.any(String) }),
      expect.objectContaining({ id: 202, enabled: false }),
    ]);
    expect((await api('GET', '/rest/orgs/202/types/incident')).status).toBe(403);
    expect((await api('GET', '/rest/orgs/999/types/incident')).status).toBe(403);
  });
});

describe('incidents', () => {
  it('creates an incident with vers, dates, custom properties, and select IDs unless names are asked for', async () => {
    const created = await createIncident({ severity_code: 'High' });
    expect(created).toMatchObject({
      id: 2095, vers: 1, org_id: 201, plan_status: 'A', severity_code: 6, resolution_id: null, end_date: null,
      description: '<div><p>Secureworks API testing</p></div>',
      properties: { scwx_ctp_ticket_id: 'IN30000001', scwx_ctp_status: 'New', scwx_ctp_close_code: null },
      create_date: expect.any(Number), inc_last_modified_date: expect.any(Number),
    });
    const named = await api('GET', `${ORG}/incidents/${created.id}?handle_format=names&text_content_output_format=objects_no_convert`);
    expect(named.body).toMatchObject({ severity_code: 'High', description: { format: 'html', content: '<div><p>Secureworks API testing</p></div>' } });
  });

  it('refuses an incident without its always-required fields, an unknown property, or a custom field at the top level', async () => {
    const missing = await api('POST', `${ORG}/incidents`, { body: { name: 'no date' } });
    expect(missing).toEqual({ status: 400, body: expect.objectContaining({ success: false, message: 'Missing mandatory field(s): [discovered_date]' }) });
    expect((await api('POST', `${ORG}/incidents`, { body: { name: 'x', discovered_date: 1, properties: { no_such_field: 1 } } })).status).toBe(400);
    expect((await api('POST', `${ORG}/incidents`, { body: { name: 'x', discovered_date: 1, scwx_ctp_status: 'New' } })).status).toBe(400);
    expect((await api('POST', `${ORG}/incidents`, { body: { name: 'x', discovered_date: 1, severity_code: 'Apocalyptic' } })).status).toBe(400);
  });

  it('answers 404 for an unknown incident in SOAR\'s words', async () => {
    expect(await api('GET', `${ORG}/incidents/9999`)).toEqual({
      status: 404,
      body: { success: false, title: null, message: 'Unable to find object with ID 9,999', hints: [], error_code: 'generic' },
    });
  });
});

describe('PATCH', () => {
  it('accepts old_value null (as IBM\'s app sends for custom fields) and bumps vers', async () => {
    const incident = await createIncident();
    const answer = await patch(incident.id, incident.vers, [change('scwx_ctp_status', 'Active'), change('scwx_ctp_priority', 'HIGH')]);
    expect(answer).toEqual({ status: 200, body: { success: true, title: null, message: null, hints: [], field_failures: [] } });
    const after = (await api('GET', `${ORG}/incidents/${incident.id}`)).body;
    expect(after.vers).toBe(incident.vers + 1);
    expect(after.properties).toMatchObject({ scwx_ctp_status: 'Active', scwx_ctp_priority: 'HIGH' });
  });

  it('answers 200 success:false with field_failures when a non-null old_value no longer holds, changing nothing', async () => {
    const incident = await createIncident({ severity_code: 'Low' });
    const answer = await patch(incident.id, incident.vers, [change('severity_code', 'High', 'Medium'), change('scwx_ctp_status', 'Active')], { handle_format: 'names' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ success: false, field_failures: [{ field: 'severity_code', your_original_value: 'Medium', actual_current_value: 'Low' }] });
    const after = (await api('GET', `${ORG}/incidents/${incident.id}`)).body;
    expect(after).toMatchObject({ vers: incident.vers, severity_code: 4, properties: { scwx_ctp_status: 'New' } });

    expect((await patch(incident.id, incident.vers, [change('severity_code', 'High', 'Low')])).body.success).toBe(true);
    expect((await patch(incident.id, incident.vers, [change('no_such_field', 1)])).status).toBe(400);
  });

  it('refuses to close while close-required fields are empty, then closes with all of them', async () => {
    const incident = await createIncident();
    const refused = await patch(incident.id, incident.vers, [change('plan_status', 'C', 'A'), change('resolution_id', 'Resolved')]);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('Missing mandatory field(s) to close an incident: [resolution_summary, scwx_ctp_close_code]');

    expect((await patch(incident.id, incident.vers, closeChanges())).body.success).toBe(true);
    const closed = (await api('GET', `${ORG}/incidents/${incident.id}?handle_format=names`)).body;
    expect(closed).toMatchObject({
      plan_status: 'C', resolution_id: 'Resolved', resolution_summary: 'Secureworks Ticket closed in Secureworks.',
      end_date: expect.any(Number), properties: { scwx_ctp_close_code: 'True Positive' },
    });
    const { body } = await control('GET', '/closures');
    expect(body.closures).toEqual([expect.objectContaining({ incidentId: incident.id, ticketId: 'IN30000001', closedBy: 'api', closeCode: 'True Positive', resolution: 'Resolved' })]);
  });

  it('fails the next PATCH that changes an injected field, once', async () => {
    const incident = await createIncident();
    expect((await control('POST', `/incidents/${incident.id}/field-failures`, { fields: ['scwx_ctp_status'] })).status).toBe(204);
    expect((await patch(incident.id, incident.vers, [change('scwx_ctp_priority', 'HIGH')])).body.success).toBe(true);
    const failed = await patch(incident.id, incident.vers, [change('scwx_ctp_status', 'Closed')]);
    expect(failed.body).toMatchObject({ success: false, field_failures: [{ field: 'scwx_ctp_status', your_original_value: null, actual_current_value: 'New' }] });
    expect((await patch(incident.id, incident.vers, [change('scwx_ctp_status', 'Closed')])).body.success).toBe(true);
  });

  it('can be made to answer 409 through the fault injector', async () => {
    const incident = await createIncident();
    await control('PUT', '/faults', { pathPattern: `/incidents/${incident.id}$`, method: 'PATCH', next: [{ status: 409 }] });
    const clash = await patch(incident.id, incident.vers, [change('scwx_ctp_status', 'Active')]);
    expect(clash).toEqual({ status: 409, body: expect.objectContaining({ success: false, message: expect.stringContaining('Conflict') }) });
  });
});

describe('PUT', () => {
  it('writes the whole incident against the current vers and answers 409 on a stale one', async () => {
    const incident = await createIncident();
    const updated = await api('PUT', `${ORG}/incidents/${incident.id}`, { body: { ...incident, name: 'Renamed' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Renamed', vers: incident.vers + 1 });
    const stale = await api('PUT', `${ORG}/incidents/${incident.id}`, { body: { ...incident, name: 'Again' } });
    expect(stale.status).toBe(409);
    expect(stale.body.success).toBe(false);
  });
});

describe('queries', () => {
  async function queryPaged(body: unknown): Promise<Answer> {
    return api('POST', `${ORG}/incidents/query_paged?return_level=normal`, { body });
  }
  const byTicket = (ticketId: string, extra: unknown[] = []) => ({
    filters: [{ conditions: [{ field_name: 'properties.scwx_ctp_ticket_id', method: 'equals', value: ticketId }, ...extra] }],
  });

  it('finds a ticket\'s incidents in any status, sorted and paged', async () => {
    const first = await createIncident({}, 'IN1');
    await patch(first.id, first.vers, closeChanges());
    const second = await createIncident({}, 'IN1');
    await createIncident({}, 'IN2');

    const all = await queryPaged({ ...byTicket('IN1'), sorts: [{ field_name: 'create_date', type: 'desc' }], start: 0, length: 10 });
    expect(all.body).toMatchObject({ recordsTotal: 3, recordsFiltered: 2 });
    expect(all.body.data.map((i: any) => i.id)).toEqual([second.id, first.id]);
    const active = await queryPaged(byTicket('IN1', [{ field_name: 'plan_status', method: 'equals', value: 'A' }]));
    expect(active.body.data.map((i: any) => i.id)).toEqual([second.id]);
    const paged = await queryPaged({ ...byTicket('IN1'), start: 1, length: 1 });
    expect(paged.body).toMatchObject({ recordsFiltered: 2, data: [{ id: second.id }] });

    const bare = await api('POST', `${ORG}/incidents/query?return_level=partial`, { body: byTicket('IN2') });
    expect(Array.isArray(bare.body)).toBe(true);
    expect(bare.body).toHaveLength(1);
  });

  it('finds incidents modified since a time, by select label, with OR between filters', async () => {
    const old = await createIncident({ severity_code: 'Low' }, 'IN1');
    const since = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 5));
    const fresh = await createIncident({ severity_code: 'High' }, 'IN2');
    const modified = await queryPaged({
      filters: [{ conditions: [{ field_name: 'inc_last_modified_date', method: 'gte', value: since }, { field_name: 'properties.scwx_ctp_ticket_id', method: 'has_a_value' }] }],
    });
    expect(modified.body.data.map((i: any) => i.id)).toEqual([fresh.id]);

    const either = await queryPaged({ filters: [byTicket('IN1').filters[0], { conditions: [{ field_name: 'severity_code', method: 'equals', value: 'High' }] }] });
    expect(either.body.data.map((i: any) => i.id)).toEqual([old.id, fresh.id]);
    expect((await queryPaged({ filters: [{ conditions: [{ field_name: 'name', method: 'resembles', value: 'x' }] }] })).status).toBe(400);
    expect((await queryPaged({ filters: [{ conditions: [{ field_name: 'properties.nope', method: 'equals', value: 'x' }] }] })).status).toBe(400);
  });
});

describe('notes', () => {
  const noteHtml = '<b>Secureworks CTP Worklog:</b> 1539595726000<br />    <b>Type:</b> Customer Comment<br />    <b>Description:</b><br /> a &amp; b';

  it('keeps note text verbatim and returns it as a string by default', async () => {
    const incident = await createIncident();
    const posted = await api('POST', `${ORG}/incidents/${incident.id}/comments`, { body: { text: { format: 'html', content: noteHtml } } });
    expect(posted.body).toMatchObject({ id: expect.any(Number), inc_id: incident.id, text: noteHtml, parent_id: null, children: [] });
    await api('POST', `${ORG}/incidents/${incident.id}/comments`, { body: { text: { format: 'text', content: 'a < b' }, parent_id: posted.body.id } });

    const listed = (await api('GET', `${ORG}/incidents/${incident.id}/comments`)).body;
    expect(listed).toHaveLength(1);
    expect(listed[0].text).toBe(noteHtml);
    expect(listed[0].children[0].text).toBe('a &lt; b');
    const objects = (await api('GET', `${ORG}/incidents/${incident.id}/comments?text_content_output_format=objects_no_convert`)).body;
    expect(objects[0].text).toEqual({ format: 'html', content: noteHtml });
    expect((await api('POST', `${ORG}/incidents/${incident.id}/comments`, { body: {} })).status).toBe(400);
  });
});

describe('attachments', () => {
  it('takes a multipart `file` part, lists it with its size, and serves its bytes', async () => {
    const incident = await createIncident();
    const bytes = Buffer.from('evidence line\n'.repeat(300));
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'text/plain' }), 'evidence-1.log-attachmentInfo-id-1728318');
    form.append('description', 'from CTP');
    const uploaded = await api('POST', `${ORG}/incidents/${incident.id}/attachments`, { form });
    expect(uploaded.body).toMatchObject({ id: 1, name: 'evidence-1.log-attachmentInfo-id-1728318', content_type: 'text/plain', size: bytes.length, inc_id: incident.id, type: 'incident' });

    expect((await api('GET', `${ORG}/incidents/${incident.id}/attachments`)).body).toEqual([uploaded.body]);
    const contents = await fetch(`${sandbox.origin}${ORG}/incidents/${incident.id}/attachments/1/contents`, { headers: { Authorization: basic() } });
    expect(Buffer.from(await contents.arrayBuffer()).equals(bytes)).toBe(true);

    const empty = await api('POST', `${ORG}/incidents/${incident.id}/attachments`, { form: new FormData() });
    expect(empty.status).toBe(400);
  });
});

describe('field definitions', () => {
  it('describes the close-code select as required on close, and the type lists every field', async () => {
    const field = (await api('GET', `${ORG}/types/incident/fields/scwx_ctp_close_code`)).body;
    expect(field).toMatchObject({ name: 'scwx_ctp_close_code', prefix: 'properties', input_type: 'select', required: 'close' });
    expect(field.values.map((v: any) => v.label)).toContain('Duplicate - Previously Escalated');
    const type = (await api('GET', `${ORG}/types/incident`)).body;
    const closeRequired = Object.values(type.fields).filter((f: any) => f.required === 'close').map((f: any) => f.name);
    expect(closeRequired).toEqual(['resolution_id', 'resolution_summary', 'scwx_ctp_close_code']);
  });

  it('replaces select values by PUT: new labels get IDs, removed ones leave incidents an orphaned ID', async () => {
    const incident = await createIncident();
    await patch(incident.id, incident.vers, closeChanges('Inconclusive'));
    const field = (await api('GET', `${ORG}/types/incident/fields/scwx_ctp_close_code`)).body;
    const kept = field.values.find((v: any) => v.label === 'True Positive');
    const put = await api('PUT', `${ORG}/types/incident/fields/scwx_ctp_close_code`, {
      body: { ...field, values: [kept, { label: 'Threat Mitigated', enabled: true, hidden: false }] },
    });
    expect(put.status).toBe(200);
    expect(put.body.values).toEqual([
      expect.objectContaining({ label: 'True Positive', value: kept.value }),
      expect.objectContaining({ label: 'Threat Mitigated', value: expect.any(Number) }),
    ]);
    const orphan = (await api('GET', `${ORG}/incidents/${incident.id}?handle_format=names`)).body.properties.scwx_ctp_close_code;
    expect(typeof orphan).toBe('number');
    expect((await api('PUT', `${ORG}/types/incident/fields/no_such_field`, { body: {} })).status).toBe(404);
  });
});

describe('control routes', () => {
  it('closes an incident "in the UI" only with a close code, bumping vers and recording the close', async () => {
    const incident = await createIncident();
    expect((await control('POST', `/incidents/${incident.id}/close`, {})).status).toBe(400);
    const closed = await control('POST', `/incidents/${incident.id}/close`, { closeCode: 'False Positive', resolutionSummary: 'Benign scanner.' });
    expect(closed.body).toMatchObject({ plan_status: 'C', vers: incident.vers + 1, resolution_id: 'Resolved', properties: { scwx_ctp_close_code: 'False Positive' } });
    expect((await control('GET', '/closures')).body.closures).toEqual([
      expect.objectContaining({ closedBy: 'ui', closeCode: 'False Positive', resolutionSummary: 'Benign scanner.' }),
    ]);
  });

  it('edits an incident as an analyst, so a hub PATCH with the old value conflicts', async () => {
    const incident = await createIncident();
    const edited = await control('PATCH', `/incidents/${incident.id}`, { changes: { scwx_ctp_status: 'Pending', severity_code: 'Medium' } });
    expect(edited.body).toMatchObject({ vers: incident.vers + 1, severity_code: 'Medium' });
    const conflict = await patch(incident.id, incident.vers, [change('scwx_ctp_status', 'Active', 'New')]);
    expect(conflict.body.success).toBe(false);
    expect((await control('PATCH', `/incidents/${incident.id}`, { changes: { nope: 1 } })).status).toBe(400);
  });

  it('reads back incidents by ticket with their notes and attachment sizes, and totals', async () => {
    const incident = await createIncident();
    await api('POST', `${ORG}/incidents/${incident.id}/comments`, { body: { text: 'note' } });
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(4096, 'x')]), 'a.bin');
    await api('POST', `${ORG}/incidents/${incident.id}/attachments`, { form });
    const { body } = await control('GET', '/incidents?ticketId=IN30000001');
    expect(body.count).toBe(1);
    expect(body.incidents[0]).toMatchObject({
      ticketId: 'IN30000001',
      notes: [{ text: { format: 'html', content: 'note' } }],
      attachments: [{ name: 'a.bin', size: 4096, content_type: 'application/octet-stream' }],
    });
    expect((await control('GET', '/summary')).body).toEqual({ incidents: 1, open: 1, closed: 0, notes: 1, attachments: 1, attachmentBytes: 4096 });
  });
});

describe('scale', () => {
  it('seeds 10,000 incidents and answers ticket-ID lookups among them from an index', async () => {
    const count = 10_000;
    const seeded = await control('POST', '/seed', { count, firstTicketNumber: 40_000_000 });
    expect(seeded.body).toEqual({ created: count, firstIncidentId: 2095, lastIncidentId: 2095 + count - 1 });
    const lookups = 200;
    const started = Date.now();
    for (let i = 0; i < lookups; i += 1) {
      const ticketId = `IN${40_000_000 + Math.floor(Math.random() * count)}`;
      const { body } = await api('POST', `${ORG}/incidents/query_paged`, {
        body: { filters: [{ conditions: [{ field_name: 'properties.scwx_ctp_ticket_id', method: 'equals', value: ticketId }, { field_name: 'plan_status', method: 'equals', value: 'A' }] }], start: 0, length: 10 },
      });
      expect(body).toMatchObject({ recordsTotal: count, recordsFiltered: 1, data: [{ properties: { scwx_ctp_ticket_id: ticketId } }] });
    }
    expect((Date.now() - started) / lookups).toBeLessThan(20); // ms per lookup, HTTP included
  });
});
