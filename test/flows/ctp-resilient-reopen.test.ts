import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createSecureworksCtpSandbox } from '../../src/sandbox/secureworks-ctp/index.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * Issue 10, cases 1 and 2: the Resilient→CTP close pass acts only on a close that happened in Resilient (IBM's
 * rule `plan_status changed_to Closed`, notes B7), never again on a close already in step; a ticket open in CTP
 * on a closed incident reopens it (`reopenIncidents`, default on) or leaves it closed, and never gets closed by it.
 */
interface Flow {
  hub: TestHub;
  ctp: RunningSandbox;
  soar: RunningSandbox;
}

async function runSync(flow: Flow): Promise<Record<string, number>> {
  const data = await flow.hub.query('mutation { runJob(name: "ctp-resilient-sync") { state error output } }', undefined, flow.hub.tokens.OPERATOR);
  if (data.runJob.state !== 'COMPLETED') throw new Error(`sync run ${data.runJob.state}: ${data.runJob.error}`);
  return data.runJob.output;
}

async function newTicket(flow: Flow): Promise<string> {
  const ticket = await control(flow.ctp, 'POST', '/tickets', { status: 'New', priority: 'HIGH', symptomDescription: 'Suspicious logon' });
  return ticket.ticketId as string;
}

async function incidentOf(flow: Flow, ticketId: string): Promise<any> {
  const { incidents } = await control(flow.soar, 'GET', `/incidents?ticketId=${ticketId}`);
  expect(incidents).toHaveLength(1);
  return incidents[0].incident;
}

const closesSent = async (flow: Flow, ticketId: string): Promise<number> => (await control(flow.ctp, 'GET', `/writes?kind=close&ticketId=${ticketId}`)).count;
const ctpStatus = async (flow: Flow, ticketId: string): Promise<string> => (await control(flow.ctp, 'GET', `/tickets/${ticketId}`)).ticket.status;

async function closeInResilient(flow: Flow, incidentId: number, summary: string): Promise<void> {
  await control(flow.soar, 'POST', `/incidents/${incidentId}/close`, { closeCode: 'True Positive', resolution: 'Resolved', resolutionSummary: summary });
}

/** A ticket closed from Resilient, then reopened by the customer in the CTP portal (status Active, a new worklog). */
async function closedInResilientThenReopenedInCtp(flow: Flow): Promise<{ ticketId: string; incidentId: number }> {
  const ticketId = await newTicket(flow);
  await runSync(flow);
  const incidentId = (await incidentOf(flow, ticketId)).id as number;
  await closeInResilient(flow, incidentId, 'Contained');
  expect(await runSync(flow)).toMatchObject({ ticketsClosed: 1, failed: 0 });
  expect(await ctpStatus(flow, ticketId)).toBe('Closed');
  await control(flow.ctp, 'PATCH', `/tickets/${ticketId}`, { status: 'Active' });
  await control(flow.ctp, 'POST', `/tickets/${ticketId}/worklogs`, { description: 'Still seeing the logons, please look again', type: 'Client Note' });
  return { ticketId, incidentId };
}

describe('reopen in CTP, reopenIncidents on (the default)', () => {
  const flow = {} as Flow;
  beforeAll(async () => {
    flow.hub = await startTestHub({ config: { sandboxes: 'all', jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 } } } });
    flow.ctp = flow.hub.sandboxes.get('secureworks-ctp')!;
    flow.soar = flow.hub.sandboxes.get('ibm-resilient')!;
  });
  afterAll(async () => {
    await flow.hub?.close();
  });

  it('case 1+2: a ticket reopened after a Resilient-driven close reopens its incident and is never closed again by that old close', async () => {
    const { ticketId, incidentId } = await closedInResilientThenReopenedInCtp(flow);
    expect(await runSync(flow)).toMatchObject({ incidentsReopened: 1, ticketsClosed: 0, failed: 0 });
    expect(await closesSent(flow, ticketId)).toBe(1);
    expect(await ctpStatus(flow, ticketId)).toBe('Active');
    const incident = await incidentOf(flow, ticketId);
    expect(incident.id).toBe(incidentId);
    expect(incident.plan_status).toBe('A');
    expect(incident.properties.scwx_ctp_status).toBe('Active');
    const events = await flow.hub.query('{ syncEvents(first: 5, filter: { kinds: [INCIDENT_REOPENED] }) { nodes { vendor message details } } }');
    expect(events.syncEvents.nodes).toEqual([expect.objectContaining({ vendor: 'IBM_RESILIENT', message: expect.stringContaining(ticketId) })]);

    // More runs and more changes in CTP: still no close sent.
    await control(flow.ctp, 'POST', `/tickets/${ticketId}/worklogs`, { description: 'and again', type: 'Client Note' });
    expect(await runSync(flow)).toMatchObject({ ticketsClosed: 0, incidentsReopened: 0 });
    expect(await closesSent(flow, ticketId)).toBe(1);

    // A new close in Resilient is a new transition: it closes the ticket, with its own code and summary.
    await closeInResilient(flow, incidentId, 'Second look: benign');
    expect(await runSync(flow)).toMatchObject({ ticketsClosed: 1 });
    const writes = await control(flow.ctp, 'GET', `/writes?kind=close&ticketId=${ticketId}`);
    expect(writes.count).toBe(2);
    expect(writes.writes.at(-1).worklogContent).toBe('Second look: benign');
  });

  it('case 1: changes the hub makes to a closed incident (a ticket edit) are not a close, and a close from CTP is never sent back', async () => {
    const ticketId = await newTicket(flow);
    await runSync(flow);
    await control(flow.ctp, 'POST', `/tickets/${ticketId}/close`, { closeCode: 'Work Completed' });
    expect(await runSync(flow)).toMatchObject({ incidentsClosed: 1, ticketsClosed: 0 });
    const incident = await incidentOf(flow, ticketId);
    expect(incident.plan_status).toBe('C');
    await control(flow.soar, 'PATCH', `/incidents/${incident.id}`, { changes: { scwx_ctp_priority: 'LOW' } });
    expect(await runSync(flow)).toMatchObject({ ticketsClosed: 0 });
    expect(await closesSent(flow, ticketId)).toBe(0);
  });

  it('case 2: a new open ticket whose id matches an incident closed long ago reuses and reopens it; the old close never closes the new ticket', async () => {
    const ticketId = await newTicket(flow);
    // Resilient already has an incident for this ticket id, closed long ago (with a close code and summary).
    const seeded = await control(flow.soar, 'POST', '/seed', { count: 1, firstTicketNumber: Number(ticketId.slice(2)) });
    expect(seeded.created).toBe(1);
    const old = await incidentOf(flow, ticketId);
    await closeInResilient(flow, old.id, 'Old case, long closed');
    expect(await runSync(flow)).toMatchObject({ incidentsCreated: 0, incidentsReopened: 1, ticketsClosed: 0, failed: 0 });
    expect(await runSync(flow)).toMatchObject({ ticketsClosed: 0 });
    expect(await closesSent(flow, ticketId)).toBe(0);
    expect(await ctpStatus(flow, ticketId)).toBe('New');
    expect(await incidentOf(flow, ticketId)).toMatchObject({ id: old.id, plan_status: 'A' });
  });
});

describe('reopen in CTP, reopenIncidents: false', () => {
  const flow = {} as Flow;
  beforeAll(async () => {
    flow.ctp = await startSandbox(createSecureworksCtpSandbox());
    process.env.TEST_REOPEN_CTP_USER = flow.ctp.credentials.username;
    process.env.TEST_REOPEN_CTP_PASSWORD = flow.ctp.credentials.password;
    flow.hub = await startTestHub({
      config: {
        sandboxes: 'missing',
        jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 } },
        sources: [{
          name: 'ctp-no-reopen', vendor: 'SECUREWORKS_CTP', baseUrl: flow.ctp.apiUrl,
          credentials: { username: 'TEST_REOPEN_CTP_USER', password: 'TEST_REOPEN_CTP_PASSWORD' },
          settings: { reopenIncidents: false },
        }],
      },
    });
    flow.soar = flow.hub.sandboxes.get('ibm-resilient')!;
  });
  afterAll(async () => {
    await flow.hub?.close();
    await flow.ctp?.close();
  });

  it('case 1+2: the incident stays closed, the reopened ticket stays open and is not closed again', async () => {
    const { ticketId, incidentId } = await closedInResilientThenReopenedInCtp(flow);
    expect(await runSync(flow)).toMatchObject({ incidentsReopened: 0, ticketsClosed: 0, failed: 0 });
    expect(await runSync(flow)).toMatchObject({ ticketsClosed: 0 });
    expect(await closesSent(flow, ticketId)).toBe(1);
    expect(await ctpStatus(flow, ticketId)).toBe('Active');
    const incident = await incidentOf(flow, ticketId);
    expect(incident).toMatchObject({ id: incidentId, plan_status: 'C' });
    // The hub did write the ticket's update to the closed incident (that write is what used to re-trigger the close).
    expect(incident.properties.scwx_ctp_status).toBe('Active');
  });

  it('case 2: a new open ticket reusing the id of an incident closed long ago is linked to it, and that old close never closes the ticket', async () => {
    const ticketId = await newTicket(flow);
    await control(flow.soar, 'POST', '/seed', { count: 1, firstTicketNumber: Number(ticketId.slice(2)) });
    const old = await incidentOf(flow, ticketId);
    await closeInResilient(flow, old.id, 'Old case, long closed');
    expect(await runSync(flow)).toMatchObject({ incidentsCreated: 0, incidentsReopened: 0, ticketsClosed: 0, failed: 0 });
    await control(flow.ctp, 'POST', `/tickets/${ticketId}/worklogs`, { description: 'new activity', type: 'Client Note' });
    expect(await runSync(flow)).toMatchObject({ ticketsClosed: 0 });
    expect(await closesSent(flow, ticketId)).toBe(0);
    expect(await ctpStatus(flow, ticketId)).toBe('New');
    expect(await incidentOf(flow, ticketId)).toMatchObject({ id: old.id, plan_status: 'C' });
  });
});
