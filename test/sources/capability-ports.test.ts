import type { RunningSandbox } from '../../src/sandbox/kit/index.js';
import type { IncidentsPort, TicketsPort } from '../../src/sources/ports.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * The ports vendors declare on their manifests, exercised through the source registry over real HTTP against the
 * sandboxes: what a service gets when it asks for `incidents` of IBM Resilient or `tickets` of Ivanti.
 */
let hub: TestHub;
let resilient: RunningSandbox;
let ivanti: RunningSandbox;

beforeAll(async () => {
  hub = await startTestHub({ config: { sandboxes: 'missing', jobs: { 'ivanti-enrichment': { intervalSeconds: 0 }, 'ctp-resilient-sync': { intervalSeconds: 0 } } } });
  resilient = hub.sandboxes.get('ibm-resilient')!;
  ivanti = hub.sandboxes.get('ivanti-itsm')!;
});

afterAll(async () => {
  await hub?.close();
});

function port<C extends 'tickets' | 'incidents'>(name: string, capability: C) {
  const found = hub.services.sources.port(name, capability);
  if (!found) throw new Error(`${name} offers no ${capability}`);
  return found as C extends 'tickets' ? TicketsPort : IncidentsPort;
}

describe('IBM Resilient incidents port', () => {
  it('creates, reads, updates, notes, attaches and closes an incident (once)', async () => {
    const incidents = port('ibm-resilient', 'incidents');
    const created = await incidents.create!({ title: 'Port probe', description: 'Made through the incidents port.' });
    expect(created.data).toMatchObject({ title: 'Port probe', status: 'OPEN' });
    const id = created.data.externalId;
    expect((await incidents.get(id)).data.title).toBe('Port probe');
    expect((await incidents.update!(id, { name: 'Port probe (renamed)' })).data.title).toBe('Port probe (renamed)');
    await incidents.addNote!(id, 'First finding.');
    expect((await incidents.notes!(id)).map((n) => n.body)).toEqual([expect.stringContaining('First finding.')]);
    const attached = await incidents.attach!(id, { name: 'iocs.txt', contentType: 'text/plain', bytes: Buffer.from('203.0.113.9\n') });
    expect((await incidents.attachments!(id)).map((a) => a.name)).toEqual([attached.name]);
    const options = await incidents.closeOptions!();
    expect(options.resolutions).toContain('Resolved');
    const request = { closeCode: options.closeCodes[0]!, resolution: 'Resolved', resolutionSummary: 'Contained.' };
    expect((await incidents.close!(id, request)).data).toMatchObject({ status: 'CLOSED', resolution: 'Resolved' });
    const stored = await control(resilient, 'GET', `/incidents/${id}`);
    expect(stored.incident ?? stored).toMatchObject({ plan_status: 'C' });
    const closures = (await control(resilient, 'GET', '/closures')).closures ?? [];
    const before = JSON.stringify(closures);
    await incidents.close!(id, request);
    expect(JSON.stringify((await control(resilient, 'GET', '/closures')).closures ?? [])).toBe(before);
  });
});

describe('Ivanti tickets port', () => {
  it('polls new incidents and gets one with its journal notes and attachments', async () => {
    const tickets = port('ivanti-itsm', 'tickets');
    const since = new Date(Date.now() - 60_000);
    const { incident } = await control(ivanti, 'POST', '/incidents', {
      Subject: 'Port poll probe', Symptom: 'See the note.', journalNotes: [{ Subject: 'Triage', NotesBody: 'Looks benign.' }],
      attachments: [{ name: 'log.txt', text: 'nothing' }],
    });
    const polled: string[] = [];
    for await (const ticket of tickets.poll!(since)) polled.push(ticket.externalId);
    expect(polled).toContain(incident.RecId);
    const got = await tickets.get(incident.RecId);
    expect(got.data).toMatchObject({ title: 'Port poll probe', status: 'OPEN' });
    expect(got.data.worklogs.map((w) => w.body)).toEqual(['Triage\n\nLooks benign.']);
    expect(got.data.attachments.map((a) => a.name)).toEqual(['log.txt']);
    expect(await tickets.closeCodes(incident.RecId, null)).toContain('False Positive');
  });
});
