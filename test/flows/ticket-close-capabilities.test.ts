import { IVANTI_ITSM } from '../../src/sources/ivanti-itsm/vendor-id.js';
import type { RunningSandbox } from '../../src/sandbox/kit/index.js';
import { secureworksCtpManifest } from '../../src/sources/secureworks-ctp/manifest.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * `closeTicket` picks its handler by capability: an Ivanti incident mirrored as a ticket closes through the same
 * mutation as a CTP ticket, by a PATCH of its Status (with CauseCode and Resolution), over real HTTP to the Ivanti
 * sandbox and a real database.
 */
let hub: TestHub;
let ivanti: RunningSandbox;

beforeAll(async () => {
  hub = await startTestHub({
    config: { sandboxes: 'missing', jobs: { 'ivanti-enrichment': { intervalSeconds: 0 }, 'ctp-resilient-sync': { intervalSeconds: 0 } } },
  });
  ivanti = hub.sandboxes.get('ivanti-itsm')!;
});

afterAll(async () => {
  await hub?.close();
});

/** An incident logged in Ivanti, mirrored into the graph by a playbook run. */
async function mirroredIncident(subject: string): Promise<{ recId: string; ticketId: string }> {
  const { incident } = await control(ivanti, 'POST', '/incidents', { Subject: subject, Symptom: 'Nothing to enrich here.' });
  const run = await hub.query('mutation { runJob(name: "ivanti-enrichment") { state error } }', undefined, hub.tokens.OPERATOR);
  expect(run.runJob).toEqual({ state: 'COMPLETED', error: null });
  const data = await hub.query('query($id: String) { tickets(filter: { externalId: $id }) { nodes { id status source { vendor } } } }', { id: incident.RecId });
  expect(data.tickets.nodes[0]).toMatchObject({ status: 'OPEN', source: { vendor: 'IVANTI_ITSM' } });
  return { recId: incident.RecId, ticketId: data.tickets.nodes[0].id };
}

const CLOSE = 'mutation($id: ID!, $code: String!) { closeTicket(input: { ticketId: $id, closeCode: $code, resolutionSummary: "Benign admin script." }) { status vendorStatus closeCode } }';

describe('closeTicket on an Ivanti ticket', () => {
  it('PATCHes Status, CauseCode and Resolution once; the sandbox stamps the close; a repeat writes nothing', async () => {
    const { recId, ticketId } = await mirroredIncident('Suspicious PowerShell on WS-0142');
    const bad = await hub.graphql(CLOSE, { id: ticketId, code: 'Nope' }, hub.tokens.OPERATOR);
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.closeCode', validValues: expect.arrayContaining(['False Positive']) });
    expect(await control(ivanti, 'GET', `/updates?incident=${recId}`)).toEqual([]);

    const first = await hub.query(CLOSE, { id: ticketId, code: 'False Positive' }, hub.tokens.OPERATOR);
    expect(first.closeTicket).toEqual({ status: 'CLOSED', vendorStatus: 'Closed', closeCode: 'False Positive' });
    const second = await hub.query(CLOSE, { id: ticketId, code: 'False Positive' }, hub.tokens.OPERATOR);
    expect(second.closeTicket).toEqual(first.closeTicket);

    const updates = await control(ivanti, 'GET', `/updates?incident=${recId}`);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ method: 'PATCH', by: 'svc-socgraph', wasReadOnly: false, fields: { Status: 'Closed', CauseCode: 'False Positive', Resolution: 'Benign admin script.' } });
    const { incident } = await control(ivanti, 'GET', `/incidents/${recId}`);
    expect(incident).toMatchObject({ Status: 'Closed', CauseCode: 'False Positive', ClosedBy: 'svc-socgraph', ReadOnly: true, LastModBy: 'svc-socgraph' });
    expect(incident.ClosedDateTime).toEqual(expect.any(String));

    const events = await hub.query('query($id: ID) { syncEvents(filter: { kinds: [TICKET_CLOSED], subjectId: $id }) { nodes { vendor message } } }', { id: ticketId });
    expect(events.syncEvents.nodes).toEqual([{ vendor: 'IVANTI_ITSM', message: expect.stringContaining('(False Positive) on request') }]);
  });

  it('does not PATCH an incident closed in Ivanti meanwhile (Ivanti would accept it): the ticket is mirrored closed', async () => {
    const { recId, ticketId } = await mirroredIncident('Phishing mail reported by finance');
    await control(ivanti, 'PATCH', `/incidents/${recId}`, { Status: 'Closed', CauseCode: 'Duplicate' });
    const closed = await hub.query(CLOSE, { id: ticketId, code: 'False Positive' }, hub.tokens.OPERATOR);
    expect(closed.closeTicket).toEqual({ status: 'CLOSED', vendorStatus: 'Closed', closeCode: 'Duplicate' });
    expect(await control(ivanti, 'GET', `/updates?incident=${recId}`)).toEqual([]);
  });

  it('closes through ticketClose(input:) too, answering a payload', async () => {
    const { recId, ticketId } = await mirroredIncident('Malware beacon from WS-0077');
    const data = await hub.query('mutation($id: ID!) { ticketClose(input: { ticketId: $id, closeCode: "True Positive" }) { ticket { id status closeCode } } }', { id: ticketId }, hub.tokens.OPERATOR);
    expect(data.ticketClose.ticket).toEqual({ id: ticketId, status: 'CLOSED', closeCode: 'True Positive' });
    const [update] = await control(ivanti, 'GET', `/updates?incident=${recId}`);
    expect(update.fields).toEqual({ Status: 'Closed', CauseCode: 'True Positive' });
  });

  it('takes the tenant close codes from settings.ticketClose and still requires OPERATOR', async () => {
    const { ticketId } = await mirroredIncident('Account lockout storm');
    const { body } = await hub.graphql(CLOSE, { id: ticketId, code: 'False Positive' }, hub.tokens.VIEWER);
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bad = await hub.graphql(CLOSE, { id: ticketId, code: 'Closed by magic' }, hub.tokens.OPERATOR);
    expect(bad.body.errors?.[0].extensions?.validValues).toEqual(['Resolved', 'Workaround', 'False Positive', 'True Positive', 'Duplicate', 'Cancelled']);
  });
});

describe('incidentClose on a platform without incidents.close', () => {
  it('refuses a Cyware Respond incident: its vendor declares no close, and nothing is written', async () => {
    const ctix = hub.sandboxes.get('cyware-ctix')!;
    const cftr = hub.sandboxes.get('cyware-cftr')!;
    const name = 'Close-capability probe';
    const [seeded] = (await control(ctix, 'POST', '/threat-data', {
      objects: [{ type: 'report', name, confidence_score: 80, tlp: 'AMBER', indicators: [{ ioc_type: 'ipv4-addr', value: '185.220.101.4' }] }],
    })).objects;
    const found = (await hub.query('query($s: String) { threatData(filter: { search: $s }, first: 10) { nodes { id ctixId } } }', { s: name }))
      .threatData.nodes.find((n: { ctixId: string }) => n.ctixId === seeded.id);
    const created = await hub.query('mutation($input: CreateCftrIncidentInput!) { createCftrIncident(input: $input) { incident { id status } } }',
      { input: { threatDataIds: [found.id] } }, hub.tokens.OPERATOR);
    const calls = (await control(cftr, 'GET', '/calls')).calls.length;
    const refused = await hub.graphql('mutation($id: ID!) { incidentClose(input: { incidentId: $id, closeCode: "Done", resolutionSummary: "n/a" }) { incident { status } } }',
      { id: created.createCftrIncident.incident.id }, hub.tokens.OPERATOR);
    expect(refused.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argument: 'input.incidentId' }, message: expect.stringContaining('declares no incidents.close capability'),
    });
    expect((await control(cftr, 'GET', '/calls')).calls.length).toBe(calls);
  });
});

describe('typed vendor clients', () => {
  it('refuses a client asked for with another vendor manifest than the source has', () => {
    const ivantiSource = hub.services.sources.ofVendor(IVANTI_ITSM)[0]!;
    expect(() => hub.services.sources.client(ivantiSource.config.name, secureworksCtpManifest)).toThrow(/is a IVANTI_ITSM source, not SECUREWORKS_CTP/);
    expect(hub.services.sources.port(ivantiSource.config.name, 'tickets')?.close).toBeInstanceOf(Function);
    expect(hub.services.sources.port(ivantiSource.config.name, 'incidents')).toBeUndefined();
  });
});
