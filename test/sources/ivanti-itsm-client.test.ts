import { ivantiItsmManifest, ivantiSettings } from '../../src/sources/ivanti-itsm/manifest.js';
import { IvantiClient } from '../../src/sources/ivanti-itsm/client.js';
import { attachmentFromIvanti, incidentCreate, journalNoteCreate, ticketFromIncident, worklogFromJournalNote } from '../../src/sources/ivanti-itsm/map.js';
import { allOf, compare } from '../../src/sources/ivanti-itsm/odata.js';
import { createIvantiItsmSandbox } from '../../src/sandbox/ivanti-itsm/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { VendorHttp } from '../../src/sources/http/vendor-http.js';
import type { VendorError } from '../../src/sources/http/vendor-error.js';
import type { SourceConfig } from '../../src/sources/source-config.js';
import type { Vendor } from '../../src/domain/vendor.js';
import { IVANTI_ITSM } from '../../src/sources/ivanti-itsm/vendor-id.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createIvantiItsmSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => fetch(`${sandbox.origin}/__sandbox/reset`, { method: 'POST' }));

function source(overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    name: 'ivanti-test', vendor: IVANTI_ITSM, baseUrl: sandbox.apiUrl, enabled: true, sandbox: true, tlsVerify: true,
    pollIntervalSeconds: 120, timeoutMs: 2000, credentials: { ...sandbox.credentials }, settings: {}, ...overrides,
  };
}

/** The same client on fast backoffs, for the retry paths. */
function fastClient(timeoutMs = 2000) {
  return new IvantiClient(new VendorHttp({
    vendor: IVANTI_ITSM, sourceName: 'ivanti-fast', baseUrl: sandbox.apiUrl, timeoutMs, retries: 2, backoffLimitMs: 50,
    authenticate: (request) => { request.headers.set('Authorization', `rest_api_key=${sandbox.credentials.apiKey}`); },
  }));
}

/** Vendor JSON, loosely typed: the assertions say what it must hold. */
async function jsonOf(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}

function control(method: string, path: string, body?: unknown) {
  return fetch(`${sandbox.origin}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function seed(...bodies: Record<string, unknown>[]): Promise<any[]> {
  return jsonOf(control('POST', '/incidents', bodies));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const client = () => ivantiItsmManifest.createClient(source(), { health: new SourceHealthTracker() });
const apiCalls = () => sandbox.calls.list({ path: '^/api/' });

describe('Ivanti client', () => {
  it('fetches incidents created since a time, oldest first, paging until a short page — same-second incidents included', async () => {
    const same = '2024-06-01T08:30:00Z';
    await seed(
      { Subject: 'before', Symptom: 'x', CreatedDateTime: '2024-06-01T08:29:59Z' },
      { Subject: 'twin 1', Symptom: 'x', CreatedDateTime: same },
      { Subject: 'twin 2', Symptom: 'x', CreatedDateTime: same },
      { Subject: 'twin 3', Symptom: 'x', CreatedDateTime: same },
      { Subject: 'after', Symptom: 'x', CreatedDateTime: '2024-06-01T09:00:00Z' },
    );
    const since = new Date('2024-06-01T08:30:00.750Z'); // the newest timestamp the poll saw, with sub-second noise
    const incidents = await collect(client().incidentsCreatedSince(since, { pageSize: 2 }));

    expect(incidents.map((i) => i.Subject).sort()).toEqual(['after', 'twin 1', 'twin 2', 'twin 3']);
    expect(incidents.at(-1)!.Subject).toBe('after');
    expect(incidents[0]!.CreatedDateTime).toEqual(new Date(same));
    const pages = apiCalls().map((c) => c.query);
    expect(pages[0]).toEqual({ $filter: 'CreatedDateTime ge 2024-06-01T08:30:00Z', $orderby: 'CreatedDateTime asc,RecId asc', $top: '2', $skip: '0' });
    // Two full pages, then an empty one that ends the walk.
    expect(pages.map((p) => p.$skip)).toEqual(['0', '2', '4']);
  });

  it('ANDs a configured filter into the poll and escapes quotes in literals', async () => {
    await seed({ Subject: "Bob's phish", Symptom: 'x', Category: 'Phishing' }, { Subject: 'Printer', Symptom: 'x', Category: 'Service Desk' });
    const filter = allOf(compare('Category', 'eq', 'Phishing'), compare('Subject', 'eq', "Bob's phish"));
    const incidents = await collect(client().incidentsCreatedSince(null, { filter }));
    expect(incidents.map((i) => i.Subject)).toEqual(["Bob's phish"]);
    expect(apiCalls()[0]!.query).toMatchObject({ $filter: "(Category eq 'Phishing') and (Subject eq 'Bob''s phish')" });
  });

  it.each(['empty-body', 'no-content', 'empty-array'])('reads an empty collection answered as %s as no incidents', async (emptyCollection) => {
    await control('PUT', '/settings', { emptyCollection });
    expect(await collect(client().incidentsCreatedSince(new Date()))).toEqual([]);
    expect(await client().getIncident('0'.repeat(32))).toBeNull();
  });

  it('gets an incident by RecId or number and maps it, its notes and attachments to the unified ticket', async () => {
    const [{ incident }] = await seed({
      Subject: 'Credential phishing', Symptom: 'User entered password on fake portal', Status: 'Waiting for Customer', Urgency: 'High', Impact: 'Medium',
      Category: 'Phishing', TypeOfIncident: 'Incident', CreatedDateTime: '2024-05-01T10:00:00Z',
      journalNotes: [{ Subject: 'Call', NotesBody: 'Reached the user', CreatedBy: 'jsmith', CreatedDateTime: '2024-05-01T10:05:00Z' }],
      attachments: [{ name: 'mail.eml', contentType: 'message/rfc822', text: 'From: it-support@evil.example' }],
    });
    const ivanti = client();
    const byId = (await ivanti.getIncident(incident.RecId))!;
    expect((await ivanti.getIncidentByNumber(byId.IncidentNumber))!.RecId).toBe(incident.RecId);
    const notes = await ivanti.listJournalNotes(incident.RecId);
    const attachments = await ivanti.listAttachments(incident.RecId);

    const settings = ivantiSettings.parse({ incidentUrlTemplate: 'https://itsm.example.com/incident/{IncidentNumber}' });
    const ticket = ticketFromIncident(byId, { worklogs: notes.map(worklogFromJournalNote), attachments: attachments.map(attachmentFromIvanti) }, settings.incidentUrlTemplate);

    expect(ticket).toMatchObject({
      externalId: incident.RecId, url: `https://itsm.example.com/incident/${byId.IncidentNumber}`, title: 'Credential phishing',
      description: 'User entered password on fake portal', status: 'PENDING', vendorStatus: 'Waiting for Customer', priority: 'HIGH',
      ticketType: 'Incident', groupingType: 'Phishing', closedAt: null, createdAt: new Date('2024-05-01T10:00:00Z'),
    });
    expect(ticket.worklogs).toEqual([{ externalKey: notes[0]!.RecId, author: 'jsmith', type: 'Memo', body: 'Call\n\nReached the user', createdAt: new Date('2024-05-01T10:05:00Z') }]);
    expect(ticket.attachments).toEqual([{ externalId: attachments[0]!.RecId, name: 'mail.eml', contentType: null, size: null }]);
    expect(ticket.fields.IncidentNumber).toBe(byId.IncidentNumber);
    expect(await ivanti.getIncident('A'.repeat(32))).toBeNull();
  });

  it('maps a closed incident to CLOSED with its close date and cause code', async () => {
    const [{ incident }] = await seed({ Subject: 'x', Symptom: 'y' });
    await control('PATCH', `/incidents/${incident.RecId}`, { Status: 'Closed', CauseCode: 'False Positive', LastModDateTime: '2024-07-01T12:00:00Z' });
    const ticket = ticketFromIncident((await client().getIncident(incident.RecId))!, { worklogs: [], attachments: [] }, null);
    expect(ticket).toMatchObject({ status: 'CLOSED', closeCode: 'False Positive', closedAt: new Date('2024-07-01T12:00:00Z'), url: null });
  });

  it('reads "No instances found." as no attachments, and downloads an attachment with its name and type', async () => {
    const [bare, withFile] = await seed(
      { Subject: 'bare', Symptom: 'x' },
      { Subject: 'file', Symptom: 'x', attachments: [{ name: 'IOC list.csv', contentType: 'text/csv', text: 'ip\n203.0.113.7\n' }] },
    );
    const ivanti = client();
    expect(await ivanti.listAttachments(bare.incident.RecId)).toEqual([]);
    const [attachment] = await ivanti.listAttachments(withFile.incident.RecId);
    const file = await ivanti.downloadAttachment(attachment!.RecId);
    expect(file).toEqual({ fileName: 'IOC list.csv', contentType: expect.stringContaining('text/csv'), bytes: Buffer.from('ip\n203.0.113.7\n') });
  });

  it('writes a journal note the sandbox shows as written by the API user', async () => {
    const [{ incident }] = await seed({ Subject: 'x', Symptom: 'y' });
    const settings = ivantiSettings.parse({});
    const note = await client().createJournalNote(journalNoteCreate(incident.RecId, { subject: 'Enrichment results', body: 'AbuseIPDB: 203.0.113.7 score 100' }, settings.journalNote));
    expect(note).toMatchObject({ ParentLink_RecID: incident.RecId, Subject: 'Enrichment results', Category: 'Memo', PublishToWeb: false, CreatedBy: 'svc-socgraph' });
    const written = await jsonOf(control('GET', `/journal-notes?incident=${incident.RecId}&via=api`));
    expect(written).toEqual([expect.objectContaining({ RecId: note.RecId, NotesBody: 'AbuseIPDB: 203.0.113.7 score 100' })]);
  });

  it('creates an incident from a draft with the configured picklist values', async () => {
    const settings = ivantiSettings.parse({ newIncident: { category: 'Security Incident', source: 'Monitoring System' } });
    const created = await client().createIncident(incidentCreate({ title: 'IOC bundle published', description: '3 indicators shared', priority: 'HIGH' }, settings.newIncident));
    expect(created).toMatchObject({ Subject: 'IOC bundle published', Status: 'Logged', Category: 'Security Incident', Urgency: 'High', Impact: 'Medium', Priority: '2' });
    expect((await jsonOf(control('GET', '/incidents?via=api'))).map((i: { RecId: string }) => i.RecId)).toEqual([created.RecId]);
  });

  it('does not retry a create that failed server-side (it may have been saved), and reports a refused one as UPSTREAM_REJECTED', async () => {
    const ivanti = client();
    const badPicklist = await ivanti.createIncident({ Subject: 's', Symptom: 'd', Source: 'Carrier pigeon' }).catch((e: unknown) => e) as VendorError;
    expect(badPicklist).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 500 });
    const missing = await ivanti.createIncident({ Subject: 's', Symptom: '' }).catch((e: unknown) => e) as VendorError;
    expect(missing).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 400 });
    expect(missing.message).toContain('Required field Incident.Description value must be provided.');
    expect(apiCalls().map((c) => c.status)).toEqual([500, 400]);

    await control('PUT', '/faults', { next: [{ status: 503 }] });
    await expect(fastClient().createJournalNote({ ParentLink_RecID: 'A'.repeat(32), Subject: 's' })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    expect(apiCalls().filter((c) => c.method === 'POST' && /journal__Notess/i.test(c.path))).toHaveLength(1);
  });

  it('retries a read through a 429 with Retry-After, a malformed body and a hang', async () => {
    await seed({ Subject: 'x', Symptom: 'y' });
    await control('PUT', '/faults', { next: [{ status: 429, retryAfterSeconds: 1 }, { malformed: true }, { hangMs: 2000 }] });
    const started = Date.now();
    const page = await fastClient(300).listIncidents({ top: 10 });
    expect(page).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(apiCalls().map((c) => c.status)).toEqual([429, 200, 200]);
  });

  it('fails with UPSTREAM_AUTH on a wrong key, and UPSTREAM_UNAVAILABLE when every attempt fails', async () => {
    const wrong = ivantiItsmManifest.createClient(source({ credentials: { apiKey: 'not-the-reference-id' } }), { health: new SourceHealthTracker() });
    const error = await wrong.listIncidents().catch((e: unknown) => e) as VendorError;
    expect(error).toMatchObject({ code: 'UPSTREAM_AUTH', status: 401 });
    expect(error.message).not.toContain('not-the-reference-id');

    await control('PUT', '/faults', { errorRate: 1, errorStatus: 502 });
    await expect(fastClient().listIncidents()).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 502 });
    expect(apiCalls().filter((c) => c.status === 502)).toHaveLength(3);
  });
});
