import { createIvantiItsmSandbox } from '../../src/sandbox/ivanti-itsm/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { validateStixBundle } from '../../src/stix/validate.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * An Ivanti source configured as a real one would be, its data marked TLP:RED (no provider may see it), with the
 * optional CVE step and private IPs on; the other vendors on the hub's sandboxes.
 */
let hub: TestHub;
let ivanti: RunningSandbox;
let helpdesk: RunningSandbox;
let ctix: RunningSandbox;

beforeAll(async () => {
  ivanti = await startSandbox(createIvantiItsmSandbox());
  helpdesk = await startSandbox(createIvantiItsmSandbox());
  process.env.TEST_IVANTI_CONFIGURED_KEY = ivanti.credentials.apiKey;
  process.env.TEST_IVANTI_HELPDESK_KEY = helpdesk.credentials.apiKey;
  hub = await startTestHub({
    config: {
      sandboxes: 'missing',
      jobs: { 'ivanti-enrichment': { intervalSeconds: 0 }, 'ctp-resilient-sync': { intervalSeconds: 0 } },
      sources: [{
        name: 'servicedesk', vendor: 'IVANTI_ITSM', baseUrl: ivanti.apiUrl, credentials: { apiKey: 'TEST_IVANTI_CONFIGURED_KEY' },
        settings: {
          incidentUrlTemplate: 'https://servicedesk.example.com/incident/{IncidentNumber}',
          newIncident: { category: 'Security Incident' },
          enrichment: { tlp: 'RED', includeCves: true, includePrivateIps: true, ctixSource: 'cyware-ctix', maxAttachmentBytes: 64 },
        },
      }, {
        // A second tenant: its own cursor and progress; a provider that stays down is asked again once, then given up.
        name: 'helpdesk', vendor: 'IVANTI_ITSM', baseUrl: helpdesk.apiUrl, credentials: { apiKey: 'TEST_IVANTI_HELPDESK_KEY' },
        settings: { enrichment: { tlp: 'GREEN', gapRetries: 1 } },
      }],
    },
  });
  ctix = hub.sandboxes.get('cyware-ctix')!;
});

afterAll(async () => {
  await hub?.close();
  await ivanti?.close();
  await helpdesk?.close();
});

async function runPlaybook(): Promise<Record<string, number>> {
  const data = await hub.query('mutation { runJob(name: "ivanti-enrichment") { state error output } }', undefined, hub.tokens.OPERATOR);
  if (data.runJob.state !== 'COMPLETED') throw new Error(`playbook run ${data.runJob.state}: ${data.runJob.error}`);
  return data.runJob.output;
}

it('sends TLP:RED indicators to no provider, publishes them marked RED with the CVEs as vulnerabilities, and says so in the note', async () => {
  const providerCalls = async () => {
    let n = 0;
    for (const name of ['abuseipdb', 'virustotal', 'hybrid-analysis']) n += (await control(hub.sandboxes.get(name)!, 'GET', '/calls')).calls.length;
    return n;
  };
  const before = await providerCalls();
  const { incident } = await control(ivanti, 'POST', '/incidents', {
    Subject: 'Exploitation of CVE-2024-3400 on the VPN gateway',
    Symptom: 'Internal host 10.20.30.40 talked to 185.220.101.4 after the exploit.',
  });

  const output = await runPlaybook();
  const failures = await hub.query(`{ syncEvents(filter: { kinds: [SYNC_FAILED] }) { nodes { message } } }`);
  expect(failures.syncEvents.nodes).toEqual([]);
  expect(output).toMatchObject({ failed: 0, processed: 1, bundlesPublished: 1, notesAdded: 1 });
  expect(output.providerGaps).toBeGreaterThanOrEqual(3);
  expect(await providerCalls()).toBe(before);

  const data = await hub.query(`query($id: String) { tickets(filter: { externalId: $id }) { nodes { url indicators { type value enrichments { provider } } } } }`, { id: incident.RecId });
  const ticket = data.tickets.nodes[0];
  expect(ticket.url).toBe(`https://servicedesk.example.com/incident/${incident.IncidentNumber}`);
  expect(ticket.indicators.map((i: any) => i.value).sort()).toEqual(['10.20.30.40', '185.220.101.4']);
  expect(ticket.indicators.every((i: any) => i.enrichments.length === 0)).toBe(true);

  const { bundles } = await control(ctix, 'GET', '/bundles');
  const ours = bundles.filter((b: any) => b.bundle.objects.some((o: any) => o.external_references?.some((r: any) => r.external_id === String(incident.IncidentNumber))));
  expect(ours).toHaveLength(1);
  const { bundle } = ours[0];
  expect(validateStixBundle(bundle)).toEqual({ valid: true, errors: [] });
  expect(bundle.objects.find((o: any) => o.type === 'marking-definition')).toMatchObject({ name: 'TLP:RED' });
  expect(bundle.objects.filter((o: any) => o.type === 'vulnerability').map((o: any) => o.name)).toEqual(['CVE-2024-3400']);
  const indicator = bundle.objects.find((o: any) => o.type === 'indicator' && o.name === '185.220.101.4');
  expect(indicator.description).toMatch(/AbuseIPDB: no answer \(not asked/);
  expect(indicator.external_references[0]).toMatchObject({ source_name: 'ivanti-itsm', url: `https://servicedesk.example.com/incident/${incident.IncidentNumber}` });

  const notes = await control(ivanti, 'GET', `/journal-notes?incident=${incident.RecId}&via=api`);
  expect(notes).toHaveLength(1);
  expect(notes[0].NotesBody).toContain('TLP:RED');
  expect(notes[0].NotesBody).toMatch(/\| VirusTotal \| no answer \(not asked: [^|]+\) \| - \| - \|/);
  expect(notes[0].NotesBody).toContain('CVEs mentioned: CVE-2024-3400');
  const [record] = (await control(ivanti, 'GET', '/incidents?via=api')).filter((i: any) => i.Subject === `[socgraph] STIX bundle published for incident ${incident.IncidentNumber}`);
  expect(record).toMatchObject({ Category: 'Security Incident' });
  expect(record.Symptom).toContain('Vulnerabilities: CVE-2024-3400');

  // Not asked is not a failure: nothing to follow up.
  expect(await runPlaybook()).toMatchObject({ processed: 0, followUpNotesAdded: 0 });
  expect(await control(ivanti, 'GET', `/journal-notes?incident=${incident.RecId}&via=api`)).toHaveLength(1);
});

it('mirrors an incident without indicators and publishes nothing for it', async () => {
  const { incident } = await control(ivanti, 'POST', '/incidents', { Subject: 'Printer on floor 3 is jammed', Symptom: 'Paper tray 2.' });
  const before = (await control(ctix, 'GET', '/bundles')).count;
  expect(await runPlaybook()).toMatchObject({ processed: 1, withoutIndicators: 1, bundlesPublished: 0, notesAdded: 0 });
  expect((await control(ctix, 'GET', '/bundles')).count).toBe(before);
  expect(await control(ivanti, 'GET', `/journal-notes?incident=${incident.RecId}&via=api`)).toHaveLength(0);
  const data = await hub.query(`query($id: String) { tickets(filter: { externalId: $id }) { nodes { title } } }`, { id: incident.RecId });
  expect(data.tickets.nodes).toEqual([{ title: 'Printer on floor 3 is jammed' }]);
});

it('reads a text attachment only up to maxAttachmentBytes', async () => {
  const head = 'first 46.161.27.151 in the head'.padEnd(64, '.');
  const text = `${head}${'x'.repeat(100_000)} tail 80.94.95.81\n`;
  const { incident } = await control(ivanti, 'POST', '/incidents', {
    Subject: 'Big log attached', Symptom: 'see log', attachments: [{ name: 'proxy.log', contentType: 'text/plain', text }],
  });
  expect(await runPlaybook()).toMatchObject({ processed: 1, attachmentsRead: 1 });
  const data = await hub.query(`query($id: String) { tickets(filter: { externalId: $id }) { nodes { attachments { name size } indicators { value } } } }`, { id: incident.RecId });
  const [ticket] = data.tickets.nodes;
  expect(ticket.indicators.map((i: any) => i.value)).toEqual(['46.161.27.151']);
  expect(ticket.attachments).toEqual([{ name: 'proxy.log', size: Buffer.byteLength(text) }]);
});

it('asks a provider that failed again on the next run, then gives up on it with a warning and no second note', async () => {
  const abuse = hub.sandboxes.get('abuseipdb')!;
  const { incident } = await control(helpdesk, 'POST', '/incidents', { Subject: 'Scan from 194.26.29.113' });
  await control(abuse, 'PUT', '/faults', { errorRate: 1, errorStatus: 503 });
  try {
    expect(await runPlaybook()).toMatchObject({ processed: 1, notesAdded: 1, failed: 0 });
    const before = (await control(abuse, 'GET', '/calls')).calls.length;
    expect(await runPlaybook()).toMatchObject({ processed: 0, followUpNotesAdded: 0, followUpsFailed: 0 });
    expect((await control(abuse, 'GET', '/calls')).calls.length).toBeGreaterThan(before);
  } finally {
    await control(abuse, 'DELETE', '/faults');
  }
  const warnings = await hub.query(`{ syncEvents(filter: { kinds: [SYNC_WARNING] }) { nodes { message details } } }`);
  expect(warnings.syncEvents.nodes).toContainEqual(expect.objectContaining({
    message: expect.stringContaining(`Ivanti incident ${incident.IncidentNumber}: providers still not answering`),
    details: expect.objectContaining({ stillMissing: [{ indicator: 'IPV4 194.26.29.113', provider: 'AbuseIPDB' }] }),
  }));
  const before = (await control(abuse, 'GET', '/calls')).calls.length;
  expect(await runPlaybook()).toMatchObject({ processed: 0, followUpNotesAdded: 0 });
  expect((await control(abuse, 'GET', '/calls')).calls.length).toBe(before);
  expect(await control(helpdesk, 'GET', `/journal-notes?incident=${incident.RecId}&via=api`)).toHaveLength(1);
});
