import { createIvantiItsmSandbox } from '../../src/sandbox/ivanti-itsm/index.js';
import { LOGIN_ACCOUNT } from '../../src/sandbox/ivanti-itsm/tenant.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';

let sandbox: RunningSandbox;
let auth: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox(createIvantiItsmSandbox());
  auth = { Authorization: `rest_api_key=${sandbox.credentials.apiKey}` };
});
afterAll(() => sandbox.close());
beforeEach(() => fetch(`${sandbox.origin}/__sandbox/reset`, { method: 'POST' }));

function ivanti(path: string, init: RequestInit & { base?: string } = {}) {
  const { base = sandbox.apiUrl, ...rest } = init;
  return fetch(`${base}${path}`, { ...rest, headers: { ...auth, 'content-type': 'application/json', ...rest.headers } });
}

function incidents(query: Record<string, string> = {}) {
  return ivanti(`/odata/businessobject/incidents?${new URLSearchParams(query)}`);
}

function control(method: string, path: string, body?: unknown) {
  return fetch(`${sandbox.origin}/__sandbox${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Vendor JSON, loosely typed: the assertions say what it must hold. */
async function jsonOf(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}

async function seed(...bodies: Record<string, unknown>[]): Promise<any[]> {
  return jsonOf(control('POST', '/incidents', bodies));
}

describe('Ivanti ITSM sandbox', () => {
  it('requires Authorization: rest_api_key=<key> exactly, answering ISM_4001 otherwise', async () => {
    for (const header of [undefined, `rest_api_key= ${sandbox.credentials.apiKey}`, `Bearer ${sandbox.credentials.apiKey}`, sandbox.credentials.apiKey!]) {
      const res = await fetch(`${sandbox.apiUrl}/odata/businessobject/incidents`, { headers: header ? { Authorization: header } : {} });
      expect(res.status).toBe(401);
      expect(await jsonOf(res)).toEqual({
        code: 'ISM_4001', description: 'Invalid session key or session timed out', message: ['Invalid Session key or Authentication token or Host'], help: '',
      });
    }
  });

  it('serves /api and /HEAT/api, entity sets in any case; a singular set is 404 ISM_4004', async () => {
    await seed({ Subject: 'Phishing mail reported', Symptom: 'User forwarded a suspicious mail' });
    for (const base of [sandbox.apiUrl, `${sandbox.origin}/HEAT/api`]) {
      expect((await jsonOf(ivanti('/odata/businessobject/Incidents', { base }))).value).toHaveLength(1);
    }
    const singular = await ivanti('/odata/businessobject/incident');
    expect(singular.status).toBe(404);
    expect((await jsonOf(singular)).code).toBe('ISM_4004');
  });

  it('renders incidents with the tenant offset, stock defaults and a computed priority', async () => {
    const [created] = await seed({ Subject: 'Malware alert', Symptom: 'EDR quarantined invoice.exe', Urgency: 'High', Impact: 'High', CreatedDateTime: '2024-05-01T10:00:00Z' });
    const page = await jsonOf(incidents());
    expect(page['@odata.context']).toBe(`${sandbox.apiUrl}/odata/$metadata#incidents`);
    expect(page['@odata.count']).toBe(1);
    expect(page.value[0]).toMatchObject({
      RecId: expect.stringMatching(/^[0-9A-F]{32}$/), IncidentNumber: 10001, Status: 'Logged', Priority: '1',
      Status_Valid: expect.stringMatching(/^[0-9A-F]{32}$/), CreatedDateTime: '2024-05-01T03:00:00-07:00',
      SocialTextHeader: 'Incident 10001: Malware alert', ReadOnly: false, IsInFinalState: false,
    });
    expect(page.value[0].RecId).toBe(created.incident.RecId);
    await control('PUT', '/settings', { tenantOffset: 'Z' });
    expect((await jsonOf(incidents())).value[0].CreatedDateTime).toBe('2024-05-01T10:00:00Z');
  });

  it('filters with bare dates, quoted strings (case-insensitive eq), numbers, and/or and parentheses', async () => {
    await seed(
      { Subject: 'a', Symptom: 'x', Status: 'Logged', CreatedDateTime: '2024-05-01T10:00:00Z' },
      { Subject: 'b', Symptom: 'x', Status: 'Active', Category: 'Malware', Owner: 'jsmith', CreatedDateTime: '2024-05-02T10:00:00Z' },
      { Subject: "O'Brien's laptop", Symptom: 'x', Status: 'Closed', CreatedDateTime: '2024-05-03T10:00:00-02:00' },
    );
    const subjects = async (filter: string) => ((await jsonOf(incidents({ $filter: filter }))).value ?? []).map((i: { Subject: string }) => i.Subject);
    expect(await subjects('CreatedDateTime gt 2024-05-01T10:00:00Z')).toEqual(['b', "O'Brien's laptop"]);
    expect(await subjects('CreatedDateTime ge 2024-05-01T10:00:00Z and CreatedDateTime lt 2024-05-02T12:00:00Z')).toEqual(['a', 'b']);
    expect(await subjects("status eq 'active' or (Status eq 'Closed' and IncidentNumber ge 10003)")).toEqual(['b', "O'Brien's laptop"]);
    expect(await subjects("Subject eq 'O''Brien''s laptop'")).toEqual(["O'Brien's laptop"]);
    expect(await subjects("Owner eq '$NULL'")).toEqual(['a', "O'Brien's laptop"]);
    expect(await subjects('IncidentNumber ne 10002')).toEqual(['a', "O'Brien's laptop"]);
  });

  it("refuses the v2 datetime'…' form, a quoted date and an unknown field with 400 ISM_4000 naming the field", async () => {
    for (const filter of ["CreatedDateTime gt datetime'2024-05-01T00:00:00'", "CreatedDateTime gt '2024-05-01T00:00:00Z'", "Colour eq 'red'"]) {
      const res = await incidents({ $filter: filter });
      expect(res.status).toBe(400);
      const body = await jsonOf(res);
      expect(body.code).toBe('ISM_4000');
      expect(body.message[0]).toMatch(/CreatedDateTime|Colour/);
    }
  });

  it('pages with $top/$skip in $orderby order, refuses $top over 100, and answers a misspelled $orderby with 204', async () => {
    await seed(...[3, 1, 2].map((n) => ({ Subject: `s${n}`, Symptom: 'x', CreatedDateTime: `2024-05-0${n}T00:00:00Z` })));
    const page = async (skip: number) => (await jsonOf(incidents({ $orderby: 'CreatedDateTime desc', $top: '2', $skip: String(skip) }))).value;
    expect((await page(0)).map((i: { Subject: string }) => i.Subject)).toEqual(['s3', 's2']);
    expect((await page(2)).map((i: { Subject: string }) => i.Subject)).toEqual(['s1']);
    const tooMany = await incidents({ $top: '101' });
    expect(tooMany.status).toBe(400);
    expect((await jsonOf(tooMany)).message[0]).toContain("'100'");
    const misspelled = await incidents({ $orderby: 'CreatedDateTme asc' });
    expect(misspelled.status).toBe(204);
  });

  it('orders by several keys, so rows sharing a CreatedDateTime page stably', async () => {
    const same = '2024-06-01T08:30:00Z';
    const created = await seed(...['p', 'q', 'r', 's'].map((s) => ({ Subject: s, Symptom: 'x', CreatedDateTime: same })));
    const byRecId = created.map((c) => c.incident.RecId).sort();
    const first = (await jsonOf(incidents({ $orderby: 'CreatedDateTime asc,RecId asc', $top: '2' }))).value;
    const second = (await jsonOf(incidents({ $orderby: 'CreatedDateTime asc,RecId asc', $top: '2', $skip: '2' }))).value;
    expect([...first, ...second].map((i: { RecId: string }) => i.RecId)).toEqual(byRecId);
  });

  it('answers an empty collection with an empty 200 body by default, 204 or {"value": []} when the tenant does', async () => {
    const empty = await incidents({ $filter: "Status eq 'Closed'" });
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
    await control('PUT', '/settings', { emptyCollection: 'no-content' });
    expect((await incidents()).status).toBe(204);
    await control('PUT', '/settings', { emptyCollection: 'empty-array' });
    expect(await jsonOf(incidents())).toEqual({ value: [] });
  });

  it('projects collections with $select but returns no fields for a single record with $select; $search matches word prefixes', async () => {
    const [{ incident }] = await seed({ Subject: 'Ransomware on FILESRV01', Symptom: 'Files encrypted' }, { Subject: 'Printer jam', Symptom: 'x' });
    expect((await jsonOf(incidents({ $select: 'RecId,Subject' }))).value[0]).toEqual({ RecId: incident.RecId, Subject: 'Ransomware on FILESRV01' });
    const single = await jsonOf(ivanti(`/odata/businessobject/incidents('${incident.RecId}')?$select=Subject`));
    expect(single).toEqual({ '@odata.context': `${sandbox.apiUrl}/odata/$metadata#incidents/$entity` });
    expect((await jsonOf(incidents({ $search: 'ransom files' }))).value).toHaveLength(1);
    expect((await jsonOf(incidents({ $search: 'ransom or printer' }))).value).toHaveLength(2);
    expect((await incidents({ $search: '"Printer jam"' })).status).toBe(200);
    expect(await (await incidents({ $search: '"Printer jam"' })).text()).toBe('');
  });

  it("answers an unknown key with 400 (not 404) and a known one with the $entity context", async () => {
    const [{ incident }] = await seed({ Subject: 'x', Symptom: 'y' });
    const known = await jsonOf(ivanti(`/odata/businessobject/incidents('${incident.RecId}')`));
    expect(known).toMatchObject({ '@odata.context': `${sandbox.apiUrl}/odata/$metadata#incidents/$entity`, RecId: incident.RecId });
    const unknown = await ivanti(`/odata/businessobject/incidents('${'0'.repeat(32)}')`);
    expect(unknown.status).toBe(400);
    expect((await jsonOf(unknown)).message[0]).toMatch(/cannot be found in the business object 'Incident'/);
  });

  it('lists attachments and journals through the relationships, "No instances found." when empty, and serves attachment bytes', async () => {
    const [withFiles, bare] = await seed(
      {
        Subject: 'Suspicious attachment', Symptom: 'x',
        attachments: [{ name: 'headers.txt', contentType: 'text/plain', text: 'Received: from mail.evil.example' }, { name: 'sample.bin', base64: 'TVqQAAMAAAAEAAAA' }],
        journalNotes: [{ Subject: 'Triage', NotesBody: 'Forwarded to SOC' }],
      },
      { Subject: 'Nothing attached', Symptom: 'x' },
    );
    const attachments = await jsonOf(ivanti(`/odata/businessobject/incidents('${withFiles.incident.RecId}')/IncidentContainsAttachment`));
    expect(attachments.value.map((a: { ATTACHNAME: string }) => a.ATTACHNAME)).toEqual(['headers.txt', 'sample.bin']);
    expect(attachments.value[0]).toMatchObject({ ParentLink_RecID: withFiles.incident.RecId, RecId: expect.stringMatching(/^[0-9A-F]{32}$/) });
    expect(await jsonOf(ivanti(`/odata/businessobject/incidents('${bare.incident.RecId}')/IncidentContainsAttachment`))).toEqual({ value: 'No instances found.' });
    expect((await jsonOf(ivanti(`/odata/businessobject/incidents('${withFiles.incident.RecId}')/IncidentContainsJournal`))).value[0].Subject).toBe('Triage');

    const download = await ivanti(`/rest/Attachment?ID=${attachments.value[1].RecId}`);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename=sample.bin');
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await download.arrayBuffer()).toString('base64')).toBe('TVqQAAMAAAAEAAAA');
  });

  it('creates an incident through POST (201), enforcing required fields by display name, status rules and picklists', async () => {
    const post = (body: unknown) => ivanti('/odata/businessobject/incidents', { method: 'POST', body: JSON.stringify(body) });
    const missing = await post({ Subject: 'Only a subject' });
    expect(missing.status).toBe(400);
    expect((await jsonOf(missing)).message).toEqual(['Required field Incident.Description value must be provided.']);
    const active = await post({ Subject: 's', Symptom: 'd', Status: 'Active' });
    expect((await jsonOf(active)).message).toEqual(['Required field Incident.Category value must be provided.', 'Required field Incident.Owner value must be provided.']);
    const badPicklist = await post({ Subject: 's', Symptom: 'd', Urgency: 'Extreme' });
    expect(badPicklist.status).toBe(500);
    expect(await jsonOf(badPicklist)).toEqual({ code: 'ISM_5000', description: 'Internal Server Error', message: [], help: '' });
    expect((await post({ Subject: 's', Symptom: 'd', Colour: 'red' })).status).toBe(400);

    const created = await post({ Subject: 'Published IOC bundle', Symptom: 'details', Category: 'security incident', Source: 'Monitoring System' });
    expect(created.status).toBe(201);
    const body = await jsonOf(created);
    expect(body).toMatchObject({ '@odata.context': `${sandbox.apiUrl}/odata/$metadata#incidents/$entity`, Category: 'Security Incident', Status: 'Logged', CreatedBy: 'svc-socgraph', LastModBy: 'svc-socgraph' });
    expect((await jsonOf(control('GET', '/incidents?via=api'))).map((i: { RecId: string }) => i.RecId)).toEqual([body.RecId]);
  });

  it('creates journal notes on journal__Notess for an existing incident and lists them by ParentLink_RecID', async () => {
    const [{ incident }] = await seed({ Subject: 'x', Symptom: 'y', journalNotes: [{ Subject: 'By the desk', NotesBody: 'called user' }] });
    const post = (body: unknown) => ivanti('/odata/businessobject/journal__Notess', { method: 'POST', body: JSON.stringify(body) });
    const orphan = await post({ ParentLink_RecID: 'F'.repeat(32), Subject: 's' });
    expect(orphan.status).toBe(400);
    const created = await post({ ParentLink_RecID: incident.RecId, ParentLink_Category: 'Incident', Subject: 'Enrichment results', NotesBody: 'AbuseIPDB: 100%' });
    expect(created.status).toBe(201);
    expect(await jsonOf(created)).toMatchObject({
      '@odata.context': `${sandbox.apiUrl}/odata/$metadata#journal__notess/$entity`, JournalType: 'Notes', Category: 'Memo', PublishToWeb: false,
      DisplayText: 'Enrichment results AbuseIPDB: 100%', CreatedBy: 'svc-socgraph', IsUnRead: true,
    });
    const notes = await jsonOf(ivanti(`/odata/businessobject/journal__notess?$filter=${encodeURIComponent(`ParentLink_RecID eq '${incident.RecId}'`)}`));
    expect(notes.value.map((n: { Subject: string }) => n.Subject)).toEqual(['By the desk', 'Enrichment results']);
    const hubNotes = await jsonOf(control('GET', `/journal-notes?incident=${incident.RecId}&via=api`));
    expect(hubNotes.map((n: { Subject: string }) => n.Subject)).toEqual(['Enrichment results']);
  });

  it('lets the control API close an incident like a technician: ClosedDateTime, ClosedBy and ReadOnly follow', async () => {
    const [{ incident }] = await seed({ Subject: 'x', Symptom: 'y' });
    const closed = await jsonOf(control('PATCH', `/incidents/${incident.RecId}`, { Status: 'Closed', CauseCode: 'False Positive', LastModDateTime: '2024-07-01T12:00:00Z' }));
    expect(closed).toMatchObject({ Status: 'Closed', ReadOnly: true, ClosedBy: 'jsmith', ClosedDateTime: '2024-07-01T05:00:00-07:00', LastModDateTime: '2024-07-01T05:00:00-07:00' });
  });
  it('answers an injected 401 with the ISM_4001 envelope, as a timed-out session or revoked key does', async () => {
    await control('PUT', '/faults', { next: [{ status: 401 }, { status: 404 }] });
    const unauthorized = await incidents();
    expect(unauthorized.status).toBe(401);
    expect(await jsonOf(unauthorized)).toMatchObject({ code: 'ISM_4001', description: 'Invalid session key or session timed out' });
    expect((await jsonOf(incidents())).code).toBe('ISM_4004');
  });

  it('uploads attachments by multipart to rest/Attachment: 200 per-file entries, 300 ISM_3000 on a duplicate name or blocked type', async () => {
    const [{ incident }] = await seed({ Subject: 'x', Symptom: 'y' });
    const upload = (...files: [string, string][]) => {
      const form = new FormData();
      form.set('ObjectID', incident.RecId);
      form.set('ObjectType', 'Incident#');
      for (const [name, text] of files) form.append('file', new Blob([text], { type: 'text/plain' }), name);
      return fetch(`${sandbox.apiUrl}/rest/Attachment`, { method: 'POST', headers: auth, body: form });
    };
    const first = await upload(['report.txt', 'enrichment report']);
    expect(first.status).toBe(200);
    const [entry] = await jsonOf(first);
    expect(entry).toEqual({ FileName: 'report.txt', IsUploaded: true, Message: expect.stringMatching(/^[0-9A-F]{32}$/) });
    expect(await (await ivanti(`/rest/Attachment?ID=${entry.Message}`)).text()).toBe('enrichment report');
    const listed = await jsonOf(ivanti(`/odata/businessobject/incidents('${incident.RecId}')/IncidentContainsAttachment`));
    expect(listed.value).toEqual([expect.objectContaining({ RecId: entry.Message, ATTACHNAME: 'report.txt', ParentLink_RecID: incident.RecId, CreatedBy: 'svc-socgraph' })]);

    const mixed = await upload(['notes.txt', 'n'], ['report.txt', 'again'], ['dropper.exe', 'MZ']);
    expect(mixed.status).toBe(300);
    const body = await jsonOf(mixed);
    expect(body).toMatchObject({ code: 'ISM_3000', description: 'Validation Error', help: '' });
    expect(body.message).toEqual([
      { FileName: 'notes.txt', IsUploaded: true, Message: expect.stringMatching(/^[0-9A-F]{32}$/) },
      { FileName: 'report.txt', IsUploaded: false, Message: "Upload Failed, A file with the name 'report.txt' is already attached to this object. Please change the name." },
      { FileName: 'dropper.exe', IsUploaded: false, Message: 'Upload Failed, Invalid attachment type.' },
    ]);

    const deleted = await ivanti(`/rest/Attachment?ID=${entry.Message}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await ivanti(`/rest/Attachment?ID=${'0'.repeat(32)}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('updates an incident by PATCH or PUT with only the changed fields (200 entity), even once it is closed', async () => {
    const [{ incident }] = await seed({ Subject: 'x', Symptom: 'y' });
    const patch = (key: string, body: unknown, method = 'PATCH') =>
      ivanti(`/odata/businessobject/incidents('${key}')`, { method, body: JSON.stringify(body) });
    const updated = await patch(incident.RecId, { Urgency: 'high', Impact: 'High', Owner: 'analyst1' });
    expect(updated.status).toBe(200);
    expect(await jsonOf(updated)).toMatchObject({
      '@odata.context': `${sandbox.apiUrl}/odata/$metadata#incidents/$entity`, RecId: incident.RecId, Subject: 'x',
      Urgency: 'High', Priority: '1', Owner: 'analyst1', LastModBy: 'svc-socgraph',
    });
    const closed = await jsonOf(patch(incident.RecId, { Status: 'Closed' }, 'PUT'));
    expect(closed).toMatchObject({ Status: 'Closed', ReadOnly: true, ClosedBy: 'svc-socgraph' });
    expect((await patch(incident.RecId, { CauseCode: 'False Positive' })).status).toBe(200);
    const unknown = await patch('F'.repeat(32), { Subject: 'z' });
    expect(unknown.status).toBe(400);
    expect((await jsonOf(unknown)).code).toBe('ISM_4000');
    expect((await patch(incident.RecId, { Urgency: 'Extreme' })).status).toBe(500);
  });
  it('logs in with a session key (a JSON string sent raw as Authorization) that answers 401 ISM_4001 once timed out', async () => {
    const login = (body: unknown) => fetch(`${sandbox.apiUrl}/rest/authentication/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const tenant = new URL(sandbox.origin).host;
    const wrong = await login({ tenant, username: LOGIN_ACCOUNT.username, password: 'nope', role: 'Admin' });
    expect(wrong.status).toBe(400);
    expect(await jsonOf(wrong)).toEqual({
      code: 'ISM_4000', description: 'Invalid Request Payload', help: '',
      message: ['Unhandled system exception: Tenant Not Found or wrong Password or OpenID not Configured Properly.'],
    });
    const ok = await login({ tenant, ...LOGIN_ACCOUNT, role: 'Admin' });
    expect(ok.status).toBe(200);
    const sessionId: string = await jsonOf(ok);
    expect(sessionId.startsWith(`${tenant}#`)).toBe(true);
    expect(sessionId).toMatch(/#[0-9A-F]{32}#2$/);
    await seed({ Subject: 'x', Symptom: 'y' });
    const listed = await fetch(`${sandbox.apiUrl}/odata/businessobject/incidents`, { headers: { Authorization: sessionId } });
    expect((await jsonOf(listed)).value).toHaveLength(1);
    await control('DELETE', '/sessions');
    const expired = await fetch(`${sandbox.apiUrl}/odata/businessobject/incidents`, { headers: { Authorization: sessionId } });
    expect(expired.status).toBe(401);
    expect(await jsonOf(expired)).toEqual({ code: 'ISM_4001', description: 'Invalid session key or session timed out', message: ['Authentication required'], help: '' });
  });
});
