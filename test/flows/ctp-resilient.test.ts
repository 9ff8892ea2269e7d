import type { RunningSandbox } from '../../src/sandbox/kit/index.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

let hub: TestHub;
let ctp: RunningSandbox;
let soar: RunningSandbox;

beforeAll(async () => {
  hub = await startTestHub({ config: { sandboxes: 'all', jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 } } } });
  ctp = hub.sandboxes.get('secureworks-ctp')!;
  soar = hub.sandboxes.get('ibm-resilient')!;
});

afterAll(async () => {
  await hub?.close();
});

async function runSync(): Promise<Record<string, number>> {
  const data = await hub.query('mutation { runJob(name: "ctp-resilient-sync") { state error output } }', undefined, hub.tokens.OPERATOR);
  if (data.runJob.state !== 'COMPLETED') throw new Error(`sync run ${data.runJob.state}: ${data.runJob.error}`);
  return data.runJob.output;
}

async function newTicket(fields: Record<string, unknown> = {}): Promise<string> {
  const ticket = await control(ctp, 'POST', '/tickets', { status: 'New', priority: 'HIGH', symptomDescription: 'Suspicious logon', detailedDescription: 'Line one\nLine two', ...fields });
  return ticket.ticketId as string;
}

async function incidentsFor(ticketId: string): Promise<any[]> {
  return (await control(soar, 'GET', `/incidents?ticketId=${ticketId}`)).incidents;
}

async function graphTicket(ticketId: string): Promise<any> {
  const data = await hub.query(`query($id: String) { tickets(filter: { externalId: $id }) { nodes {
    id externalId status vendorStatus closeCode closeCodes
    worklogs { totalCount nodes { type body } }
    attachments { name }
    incidents { id externalId status title customFields notes { totalCount } attachments { name size } }
  } } }`, { id: ticketId });
  return data.tickets.nodes[0];
}

describe('Secureworks CTP → IBM Resilient', () => {
  it('turns a new open ticket into one incident with its worklogs as notes (oldest first) and its attachments, then acknowledges it', async () => {
    const ticketId = await newTicket();
    await control(ctp, 'POST', `/tickets/${ticketId}/worklogs`, { description: 'first look', type: 'Client Note' });
    await control(ctp, 'POST', `/tickets/${ticketId}/worklogs`, { description: 'escalating', type: 'Escalation' });
    await control(ctp, 'POST', `/tickets/${ticketId}/attachments`, { name: 'evidence.txt', text: 'x'.repeat(4096) });

    const output = await runSync();
    expect(output).toMatchObject({ failed: 0, incidentsCreated: 1 });

    const incidents = await incidentsFor(ticketId);
    expect(incidents).toHaveLength(1);
    expect(incidents[0].incident.name).toBe(`Secureworks CTP Incident - for Ticket ID ${ticketId}`);
    expect(incidents[0].incident.properties).toMatchObject({ scwx_ctp_ticket_id: ticketId, scwx_ctp_priority: 'HIGH', scwx_ctp_status: 'New' });
    const state = await control(ctp, 'GET', `/tickets/${ticketId}`);
    expect(state.inFeed).toBe(false);

    const ticket = await graphTicket(ticketId);
    expect(ticket.status).toBe('OPEN');
    expect(ticket.incidents).toHaveLength(1);
    const [graphIncident] = ticket.incidents;
    expect(graphIncident.customFields.scwx_ctp_ticket_id).toBe(ticketId);
    // two SOC worklogs + the attachment's own worklog
    expect(graphIncident.notes.totalCount).toBe(ticket.worklogs.totalCount);
    expect(graphIncident.attachments).toEqual([expect.objectContaining({ name: expect.stringMatching(/^evidence\.txt-attachmentInfo-id-\d+$/), size: 4096 })]);

    const detail = await control(soar, 'GET', `/incidents/${graphIncident.externalId}`);
    const notes: string[] = detail.notes.map((n: { text: { content: string } }) => n.text.content);
    expect(notes.findIndex((n) => n.includes('first look'))).toBeLessThan(notes.findIndex((n) => n.includes('escalating')));
  });

  it('syncs each worklog and attachment exactly once across runs, and a change updates the incident', async () => {
    const ticketId = await newTicket({ priority: 'LOW' });
    await control(ctp, 'POST', `/tickets/${ticketId}/worklogs`, { description: 'one' });
    await runSync();
    const before = (await graphTicket(ticketId)).incidents[0];
    expect(await runSync()).toMatchObject({ tickets: 0 });

    await control(ctp, 'POST', `/tickets/${ticketId}/worklogs`, { description: 'two' });
    await control(ctp, 'PATCH', `/tickets/${ticketId}`, { priority: 'CRITICAL' });
    const output = await runSync();
    expect(output).toMatchObject({ tickets: 1, notesAdded: 1, incidentsCreated: 0 });
    const after = (await graphTicket(ticketId)).incidents[0];
    expect(after.id).toBe(before.id);
    expect(after.notes.totalCount).toBe(before.notes.totalCount + 1);
    expect(after.customFields.scwx_ctp_priority).toBe('CRITICAL');
  });

  it('re-reads and re-sends an update PATCH answered with field_failures or 409, never losing the change', async () => {
    const ticketId = await newTicket({ priority: 'LOW' });
    await runSync();
    const incident = (await graphTicket(ticketId)).incidents[0];
    const patches = () => soar.calls.list({ method: 'PATCH', path: `/incidents/${incident.externalId}$` }).length;

    await control(soar, 'POST', `/incidents/${incident.externalId}/field-failures`, { fields: ['scwx_ctp_priority'] });
    await control(ctp, 'PATCH', `/tickets/${ticketId}`, { priority: 'HIGH' });
    let before = patches();
    expect(await runSync()).toMatchObject({ failed: 0 });
    expect(patches() - before).toBe(2);
    expect((await graphTicket(ticketId)).incidents[0].customFields.scwx_ctp_priority).toBe('HIGH');

    await control(soar, 'PUT', '/faults', { method: 'PATCH', pathPattern: `/incidents/${incident.externalId}$`, next: [{ status: 409 }] });
    await control(ctp, 'PATCH', `/tickets/${ticketId}`, { priority: 'CRITICAL' });
    before = patches();
    expect(await runSync()).toMatchObject({ failed: 0 });
    expect(patches() - before).toBe(2);
    expect((await graphTicket(ticketId)).incidents[0].customFields.scwx_ctp_priority).toBe('CRITICAL');
    await control(soar, 'DELETE', '/faults');
  });

  it('mirrors a ticket that is already closed when first seen, without escalating it', async () => {
    const ticketId = await newTicket();
    await control(ctp, 'POST', `/tickets/${ticketId}/close`, { closeCode: 'Work Completed' });
    const output = await runSync();
    expect(output).toMatchObject({ mirroredOnly: 1, incidentsCreated: 0 });
    const ticket = await graphTicket(ticketId);
    expect(ticket).toMatchObject({ status: 'CLOSED', closeCode: 'Work Completed', incidents: [] });
    expect(await incidentsFor(ticketId)).toHaveLength(0);
  });

  it('closes the incident when the ticket is closed in the CTP portal, with the ticket reason as close code', async () => {
    const ticketId = await newTicket();
    await runSync();
    await control(ctp, 'POST', `/tickets/${ticketId}/close`, { closeCode: 'False Positive', worklogContent: 'benign scanner' });
    const output = await runSync();
    expect(output).toMatchObject({ incidentsClosed: 1, failed: 0 });
    const incident = (await graphTicket(ticketId)).incidents[0];
    expect(incident.status).toBe('CLOSED');
    expect(incident.customFields.scwx_ctp_close_code).toBe('False Positive');
    const { closures } = await control(soar, 'GET', '/closures');
    expect(closures).toContainEqual(expect.objectContaining({ incidentId: Number(incident.externalId), closedBy: 'api', closeCode: 'False Positive' }));
  });

  it('falls back to the default close code for a reason Resilient does not know, with a warning event', async () => {
    const ticketId = await newTicket();
    await runSync();
    await control(ctp, 'POST', `/tickets/${ticketId}/close`, { closeCode: 'Cust. Feedback-Auto-Close' });
    await runSync();
    const incident = (await graphTicket(ticketId)).incidents[0];
    expect(incident).toMatchObject({ status: 'CLOSED', customFields: expect.objectContaining({ scwx_ctp_close_code: 'Work Completed' }) });
    const events = await hub.query('{ syncEvents(first: 5, filter: { kinds: [SYNC_WARNING] }) { nodes { message subjectId } } }');
    expect(events.syncEvents.nodes[0]).toMatchObject({ subjectId: incident.id, message: expect.stringContaining('Cust. Feedback-Auto-Close') });
  });

  it('closes the ticket when the incident is closed in the Resilient UI, and does not loop', async () => {
    const ticketId = await newTicket();
    await runSync();
    const incident = (await graphTicket(ticketId)).incidents[0];
    await control(soar, 'POST', `/incidents/${incident.externalId}/close`, {
      closeCode: 'True Positive', resolution: 'Resolved', resolutionSummary: 'Contained host & reset creds',
    });
    const output = await runSync();
    expect(output).toMatchObject({ ticketsClosed: 1 });
    const writes = await control(ctp, 'GET', `/writes?kind=close&ticketId=${ticketId}`);
    expect(writes.count).toBe(1);
    expect(JSON.stringify(writes.writes[0])).toContain('True Positive');
    // SOAR serves the summary as rich text (HTML-escaped); CTP gets it back as plain text.
    expect(writes.writes[0].worklogContent).toBe('Contained host & reset creds');
    expect((await graphTicket(ticketId)).status).toBe('CLOSED');

    // The closed ticket comes back through the feed: acknowledged, nothing sent back either way.
    const again = await runSync();
    expect(again).toMatchObject({ ticketsClosed: 0, incidentsClosed: 0, failed: 0 });
    expect((await control(ctp, 'GET', `/writes?kind=close&ticketId=${ticketId}`)).count).toBe(1);
    expect((await control(ctp, 'GET', `/tickets/${ticketId}`)).inFeed).toBe(false);
  });

  it('never gives one ticket two incidents, even when its incident was closed in Resilient and the ticket changes', async () => {
    const ticketId = await newTicket();
    await runSync();
    const incident = (await graphTicket(ticketId)).incidents[0];
    // Forget our link, as a fresh hub database would, then close the incident behind our back.
    await hub.services.dataSource.query('DELETE FROM ticket_incident WHERE incident_id = $1', [Buffer.from(incident.id, 'base64url').toString().split(':')[1]]);
    await control(soar, 'PATCH', `/incidents/${incident.externalId}`, { changes: { scwx_ctp_status: 'Closed' } });
    await control(ctp, 'POST', `/tickets/${ticketId}/worklogs`, { description: 'still going' });
    await runSync();
    expect(await incidentsFor(ticketId)).toHaveLength(1);
    expect((await graphTicket(ticketId)).incidents[0].externalId).toBe(incident.externalId);
  });
});

describe('automation mutations', () => {
  it('closeTicket checks the close code against the ticket, closes once, and is idempotent', async () => {
    const ticketId = await newTicket();
    await runSync();
    const ticket = await graphTicket(ticketId);
    const bad = await hub.graphql('mutation($id: ID!) { closeTicket(input: { ticketId: $id, closeCode: "Nope" }) { status } }', { id: ticket.id }, hub.tokens.OPERATOR);
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validValues: expect.arrayContaining(['Work Completed']) });
    expect(bad.body.errors?.[0].message).toContain('Work Completed');
    const close = 'mutation($id: ID!) { closeTicket(input: { ticketId: $id, closeCode: "Work Completed", resolutionSummary: "done" }) { status closeCode } }';
    const first = await hub.query(close, { id: ticket.id }, hub.tokens.OPERATOR);
    const second = await hub.query(close, { id: ticket.id }, hub.tokens.OPERATOR);
    expect(first.closeTicket).toEqual({ status: 'CLOSED', closeCode: 'Work Completed' });
    expect(second.closeTicket).toEqual(first.closeTicket);
    expect((await control(ctp, 'GET', `/writes?kind=close&ticketId=${ticketId}`)).count).toBe(1);
    // The linked incident is closed in the same call, in Resilient and in the graph, with a close event.
    const [incident] = (await graphTicket(ticketId)).incidents;
    expect(incident.status).toBe('CLOSED');
    const [remote] = await incidentsFor(ticketId);
    expect(remote.incident.plan_status).toBe('C');
    const closedEvents = await hub.query('query($id: ID) { syncEvents(filter: { kinds: [INCIDENT_CLOSED], subjectId: $id }) { totalCount } }', { id: incident.id });
    expect(closedEvents.syncEvents.totalCount).toBe(1);
    // The next sync takes the closed ticket's version without closing anything again.
    await runSync();
    expect((await graphTicket(ticketId)).incidents[0].status).toBe('CLOSED');
    expect((await hub.query('query($id: ID) { syncEvents(filter: { kinds: [INCIDENT_CLOSED], subjectId: $id }) { totalCount } }', { id: incident.id })).syncEvents.totalCount).toBe(1);
  });

  it('closeIncident closes the incident and its ticket; a bad close code names the valid ones', async () => {
    const ticketId = await newTicket();
    await runSync();
    const incident = (await graphTicket(ticketId)).incidents[0];
    const bad = await hub.graphql('mutation($id: ID!) { closeIncident(input: { incidentId: $id, closeCode: "Nope", resolutionSummary: "x" }) { status } }', { id: incident.id }, hub.tokens.OPERATOR);
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', validValues: expect.arrayContaining(['True Positive']) });
    const close = 'mutation($id: ID!) { closeIncident(input: { incidentId: $id, closeCode: "True Positive", resolutionSummary: "<p>contained</p>" }) { status resolution resolutionSummary } }';
    const first = await hub.query(close, { id: incident.id }, hub.tokens.OPERATOR);
    expect(first.closeIncident).toMatchObject({ status: 'CLOSED', resolution: 'Resolved' });
    await hub.query(close, { id: incident.id }, hub.tokens.OPERATOR);
    expect((await graphTicket(ticketId)).status).toBe('CLOSED');
    expect((await control(ctp, 'GET', `/writes?kind=close&ticketId=${ticketId}`)).count).toBe(1);
    await runSync();
    expect((await control(ctp, 'GET', `/writes?kind=close&ticketId=${ticketId}`)).count).toBe(1);
  });

  it('requires OPERATOR', async () => {
    const { body } = await hub.graphql('mutation { closeTicket(input: { ticketId: "x", closeCode: "y" }) { status } }', undefined, hub.tokens.VIEWER);
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('ticket data in templates', () => {
  it('treats ticket values as data: quotes, backslashes and template syntax in a ticket do not break or steer rendering', async () => {
    const quoted = await newTicket({ symptomDescription: 'He said "hi" \\ bye', requestType: '{% if %}{{ 7*7 }}' });
    const output = await runSync();
    expect(output.failed).toBe(0);
    const incident = (await graphTicket(quoted)).incidents[0];
    expect(incident.title).toBe(`Secureworks CTP Incident - for Ticket ID ${quoted}`);
    expect(incident.customFields.scwx_ctp_request_type).toBe('{% if %}{{ 7*7 }}');
  });
});
