import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createVirusTotalSandbox } from '../../src/sandbox/virustotal/index.js';
import { validateStixBundle } from '../../src/stix/validate.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * Flow 3, the Ivanti enrichment playbook, over the sandboxes (Ivanti, CTIX, AbuseIPDB, Hybrid Analysis on the
 * hub's; VirusTotal on this file's, configured with a budget the tests do not wait on) and a real database.
 */
let hub: TestHub;
let ivanti: RunningSandbox;
let ctix: RunningSandbox;
let abuse: RunningSandbox;
let hybrid: RunningSandbox;
let vt: RunningSandbox;

beforeAll(async () => {
  vt = await startSandbox(createVirusTotalSandbox());
  await control(vt, 'PUT', '/quota', { perMinute: null, perDay: null });
  process.env.TEST_IVANTI_VT_KEY = vt.credentials.apiKey;
  hub = await startTestHub({
    config: {
      sandboxes: 'missing',
      jobs: { 'ivanti-enrichment': { intervalSeconds: 0 }, 'ctp-resilient-sync': { intervalSeconds: 0 } },
      sources: [{
        name: 'vt', vendor: 'VIRUSTOTAL', baseUrl: vt.apiUrl, credentials: { apiKey: 'TEST_IVANTI_VT_KEY' },
        settings: { quota: { perMinute: 1000, perHour: null, perDay: null } },
      }],
    },
  });
  ivanti = hub.sandboxes.get('ivanti-itsm')!;
  ctix = hub.sandboxes.get('cyware-ctix')!;
  abuse = hub.sandboxes.get('abuseipdb')!;
  hybrid = hub.sandboxes.get('hybrid-analysis')!;
});

afterAll(async () => {
  await hub?.close();
  await vt?.close();
});

interface IvantiIncidentSeed {
  Subject: string;
  Symptom?: string;
  CreatedDateTime?: string;
  journalNotes?: Array<{ Subject: string; NotesBody?: string }>;
  attachments?: Array<{ name: string; contentType?: string; text?: string; base64?: string }>;
}

async function newIncident(seed: IvantiIncidentSeed): Promise<{ RecId: string; IncidentNumber: number }> {
  return (await control(ivanti, 'POST', '/incidents', seed)).incident;
}

async function runPlaybook(): Promise<Record<string, number>> {
  const data = await hub.query('mutation { runJob(name: "ivanti-enrichment") { state error output } }', undefined, hub.tokens.OPERATOR);
  if (data.runJob.state !== 'COMPLETED') throw new Error(`playbook run ${data.runJob.state}: ${data.runJob.error}`);
  return data.runJob.output;
}

async function graphTicket(recId: string): Promise<any> {
  const data = await hub.query(`query($id: String) { tickets(filter: { externalId: $id }) { nodes {
    id externalId title source { vendor }
    worklogs { totalCount }
    attachments { name }
    indicators { id type value verdict score sightings { subjectType subjectId } enrichments { provider verdict score } }
  } } }`, { id: recId });
  return data.tickets.nodes[0];
}

/** Journal notes the hub wrote on an incident. */
async function hubNotes(recId: string): Promise<Array<{ Subject: string; NotesBody: string }>> {
  return control(ivanti, 'GET', `/journal-notes?incident=${recId}&via=api`);
}

/** Incidents the hub created (the publication records). */
async function recordIncidents(incidentNumber: number): Promise<Array<{ Subject: string; Symptom: string; RecId: string }>> {
  const all: Array<{ Subject: string; Symptom: string; RecId: string }> = await control(ivanti, 'GET', '/incidents?via=api');
  return all.filter((i) => i.Subject === `[socgraph] STIX bundle published for incident ${incidentNumber}`);
}

async function bundlesFor(incidentNumber: number): Promise<Array<{ bundle: { id: string; objects: Array<Record<string, any>> } }>> {
  const { bundles } = await control(ctix, 'GET', '/bundles');
  return bundles.filter((b: any) => b.bundle.objects.some((o: any) => o.type === 'indicator'
    && o.external_references?.some((r: any) => r.source_name === 'ivanti-itsm' && r.external_id === String(incidentNumber))));
}

async function events(subjectId: string): Promise<Array<{ kind: string; message: string; details: any }>> {
  const data = await hub.query(`query($s: ID) { syncEvents(filter: { subjectId: $s }, first: 100) { nodes { kind message details } } }`, { s: subjectId });
  return data.syncEvents.nodes;
}

const MALICIOUS_IP = '185.220.101.4';
const ATTACHMENT_IP = '91.219.236.18';
const SHA256 = 'a'.repeat(10) + '0123456789abcdef'.repeat(3) + 'b'.repeat(6);

describe('Ivanti enrichment playbook', () => {
  it('mirrors a new incident, extracts and enriches its indicators, publishes one valid bundle, records it and notes it once', async () => {
    await control(abuse, 'PUT', `/indicators/${MALICIOUS_IP}`, { preset: 'malicious' });
    await control(vt, 'PUT', `/indicators/${MALICIOUS_IP}`, { preset: 'malicious' });
    await control(hybrid, 'PUT', `/indicators/${SHA256}`, { preset: 'malicious' });
    const incident = await newIncident({
      Subject: `Beaconing to ${MALICIOUS_IP.replace(/\.(\d+)$/, '[.]$1')}`,
      Symptom: 'The proxy saw hxxps://login-update[.]net/session?id=7 being fetched by the workstation.',
      journalNotes: [{ Subject: 'Triage', NotesBody: `Dropped file sha256 ${SHA256}` }],
      attachments: [{ name: 'firewall.log', contentType: 'text/plain', text: `deny tcp ${ATTACHMENT_IP}:443 -> 10.0.0.5:51515` }],
    });

    const output = await runPlaybook();
    expect(output).toMatchObject({ failed: 0, bundlesPublished: 1, recordIncidentsCreated: 1, notesAdded: 1 });

    // The ticket in the graph, with its indicators and their sightings and enrichments.
    const ticket = await graphTicket(incident.RecId);
    expect(ticket).toMatchObject({ source: { vendor: 'IVANTI_ITSM' }, worklogs: { totalCount: 1 }, attachments: [{ name: 'firewall.log' }] });
    const byValue = new Map<string, any>(ticket.indicators.map((i: any) => [i.value, i]));
    expect([...byValue.keys()].sort()).toEqual([ATTACHMENT_IP, MALICIOUS_IP, 'https://login-update.net/session?id=7', 'login-update.net', SHA256].sort());
    expect(byValue.get('10.0.0.5')).toBeUndefined();
    for (const indicator of ticket.indicators) expect(indicator.sightings).toContainEqual(expect.objectContaining({ subjectType: 'TICKET', subjectId: ticket.id }));
    const ip = byValue.get(MALICIOUS_IP);
    expect(ip.verdict).toBe('MALICIOUS');
    expect(ip.enrichments.map((e: any) => e.provider).sort()).toEqual(['ABUSEIPDB', 'VIRUSTOTAL']);
    expect(byValue.get(SHA256).enrichments.map((e: any) => e.provider).sort()).toEqual(['HYBRID_ANALYSIS', 'VIRUSTOTAL']);

    // One bundle in CTIX, valid STIX 2.1, with a pattern per indicator.
    const bundles = await bundlesFor(incident.IncidentNumber);
    expect(bundles).toHaveLength(1);
    const { bundle } = bundles[0]!;
    expect(validateStixBundle(bundle)).toEqual({ valid: true, errors: [] });
    const patterns = bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);
    expect(patterns).toEqual(expect.arrayContaining([`[ipv4-addr:value = '${MALICIOUS_IP}']`, `[ipv4-addr:value = '${ATTACHMENT_IP}']`, `[file:hashes.'SHA-256' = '${SHA256}']`]));
    expect(bundle.objects.find((o) => o.type === 'marking-definition')).toMatchObject({ name: 'TLP:AMBER' });

    // One Ivanti incident recording the publication.
    const records = await recordIncidents(incident.IncidentNumber);
    expect(records).toHaveLength(1);
    expect(records[0]!.Symptom).toContain(bundle.id);
    expect(records[0]!.Symptom).toContain(`Ivanti incident ${incident.IncidentNumber}`);
    expect(records[0]!.Symptom).toMatch(/5 indicators, 5 observables/);

    // One journal note on the original incident, a table per indicator.
    const notes = await hubNotes(incident.RecId);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.Subject).toBe(`socgraph enrichment (${bundle.id})`);
    expect(notes[0]!.NotesBody).toContain(`IPV4 ${MALICIOUS_IP} — verdict MALICIOUS`);
    expect(notes[0]!.NotesBody).toMatch(/\| AbuseIPDB \| MALICIOUS \| \d+ \| https?:\/\/\S+ \|/);
    expect(notes[0]!.NotesBody).toMatch(/\| Hybrid Analysis \| MALICIOUS \|/);
    expect(notes[0]!.NotesBody).toContain(`Recorded in incident `);

    // Events about the ticket.
    const ticketEvents = await events(ticket.id);
    expect(ticketEvents.map((e) => e.kind)).toEqual(expect.arrayContaining(['TICKET_IMPORTED', 'INDICATORS_EXTRACTED', 'STIX_PUBLISHED', 'JOURNAL_NOTE_ADDED']));
    expect(ticketEvents.find((e) => e.kind === 'STIX_PUBLISHED')!.details).toMatchObject({ bundleId: bundle.id, counts: { indicators: 5 }, verdicts: { MALICIOUS: expect.any(Number) }, gaps: [] });
    // The engine's ENRICHED event, one per indicator looked up.
    expect((await events(ip.id)).map((e) => e.kind)).toContain('ENRICHED');

    // The next run repeats nothing and does not enrich the record incident it created.
    const again = await runPlaybook();
    expect(again).toMatchObject({ incidentsFound: 0, processed: 0, bundlesPublished: 0, notesAdded: 0 });
    expect(again.ownRecordsSkipped).toBeGreaterThanOrEqual(1);
    expect(await hubNotes(incident.RecId)).toHaveLength(1);
    expect(await bundlesFor(incident.IncidentNumber)).toHaveLength(1);
    expect(await recordIncidents(incident.IncidentNumber)).toHaveLength(1);
    expect(await graphTicket(records[0]!.RecId)).toBeUndefined();
  });

  it('refangs defanged indicators', async () => {
    const incident = await newIncident({
      Subject: 'Defanged IOCs from the vendor advisory',
      Symptom: 'C2 hxxp://update-check(.)org/a.php and 45.133.1[.]20, mail from bad-actor[at]phish-mail{.}info, also 77.91.124[dot]9',
    });
    expect(await runPlaybook()).toMatchObject({ failed: 0, processed: 1 });
    const values = (await graphTicket(incident.RecId)).indicators.map((i: any) => i.value);
    expect(values).toEqual(expect.arrayContaining(['http://update-check.org/a.php', 'update-check.org', '45.133.1.20', '77.91.124.9']));
    expect(values.some((v: string) => /\[|\]|\(|\)|hxxp|\{/.test(v))).toBe(false);
  });

  it('finds an indicator that only an attachment holds, reading text-like attachments only', async () => {
    const png = Buffer.from(`\x89PNG 62.233.50.25 binary`).toString('base64');
    const incident = await newIncident({
      Subject: 'Export attached',
      Symptom: 'See the attached export.',
      attachments: [
        { name: 'connections.csv', contentType: 'text/csv', text: 'src,dst\n10.1.1.1,94.232.41.105\n' },
        { name: 'screenshot.png', contentType: 'image/png', base64: png },
      ],
    });
    expect(await runPlaybook()).toMatchObject({ failed: 0, processed: 1, attachmentsRead: 1 });
    const ticket = await graphTicket(incident.RecId);
    expect(ticket.indicators.map((i: any) => i.value)).toEqual(['94.232.41.105']);
    expect(ticket.attachments.map((a: any) => a.name).sort()).toEqual(['connections.csv', 'screenshot.png']);
    expect(await hubNotes(incident.RecId)).toHaveLength(1);
  });

  it('loses no incident created in the same second as those of the previous run, and repeats none', async () => {
    const second = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const first = await newIncident({ Subject: 'Same second A 5.188.206.14', CreatedDateTime: second });
    const other = await newIncident({ Subject: 'Same second B 5.188.206.15', CreatedDateTime: second });
    expect(await runPlaybook()).toMatchObject({ incidentsFound: 2, processed: 2, notesAdded: 2 });

    const late = await newIncident({ Subject: 'Same second C 5.188.206.16', CreatedDateTime: second });
    const output = await runPlaybook();
    expect(output).toMatchObject({ incidentsFound: 1, processed: 1, notesAdded: 1, failed: 0 });
    for (const incident of [first, other, late]) expect(await hubNotes(incident.RecId)).toHaveLength(1);
    expect((await graphTicket(late.RecId)).indicators.map((i: any) => i.value)).toEqual(['5.188.206.16']);
  });

  it('takes an incident that becomes visible late with an earlier CreatedDateTime (within lateArrivalSeconds), once', async () => {
    const now = await newIncident({ Subject: 'On time 5.188.206.21' });
    expect(await runPlaybook()).toMatchObject({ failed: 0, processed: 1 });
    // Created two minutes ago by Ivanti's clock, but visible only now: behind the cursor.
    const late = await newIncident({ Subject: 'Visible late 5.188.206.22', CreatedDateTime: new Date(Date.now() - 120_000).toISOString() });
    expect(await runPlaybook()).toMatchObject({ incidentsFound: 1, processed: 1, notesAdded: 1, failed: 0 });
    expect(await runPlaybook()).toMatchObject({ incidentsFound: 0, processed: 0, notesAdded: 0 });
    for (const incident of [now, late]) expect(await hubNotes(incident.RecId)).toHaveLength(1);
    expect((await graphTicket(late.RecId)).indicators.map((i: any) => i.value)).toEqual(['5.188.206.22']);
  });

  it('resumes after a failed journal note write: the note is written once and nothing is published or recorded twice', async () => {
    const incident = await newIncident({ Subject: 'Note write fails 146.70.53.12' });
    await control(ivanti, 'PUT', '/faults', { method: 'POST', pathPattern: 'journal__Notess$', next: [{ status: 500 }] });
    try {
      const failed = await runPlaybook();
      expect(failed).toMatchObject({ failed: 1, bundlesPublished: 1, recordIncidentsCreated: 1, notesAdded: 0 });
    } finally {
      await control(ivanti, 'DELETE', '/faults');
    }
    expect(await hubNotes(incident.RecId)).toHaveLength(0);
    const ticket = await graphTicket(incident.RecId);
    const failures = (await events(ticket.id)).filter((e) => e.kind === 'SYNC_FAILED');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.details).toMatchObject({ incidentNumber: incident.IncidentNumber, step: 'NOTE' });

    const resumed = await runPlaybook();
    expect(resumed).toMatchObject({ failed: 0, processed: 1, bundlesPublished: 0, recordIncidentsCreated: 0, notesAdded: 1 });
    expect(await hubNotes(incident.RecId)).toHaveLength(1);
    expect(await bundlesFor(incident.IncidentNumber)).toHaveLength(1);
    expect(await recordIncidents(incident.IncidentNumber)).toHaveLength(1);
    expect(await runPlaybook()).toMatchObject({ processed: 0, notesAdded: 0 });
  });

  it('retries an incident whose bundle CTIX refused, publishing it once', async () => {
    const incident = await newIncident({ Subject: 'CTIX down 193.42.33.7' });
    await control(ctix, 'PUT', '/faults', { method: 'POST', pathPattern: 'ingest_bundle', errorRate: 1, errorStatus: 503 });
    try {
      expect(await runPlaybook()).toMatchObject({ failed: 1, bundlesPublished: 0 });
    } finally {
      await control(ctix, 'DELETE', '/faults');
    }
    expect(await bundlesFor(incident.IncidentNumber)).toHaveLength(0);
    expect(await hubNotes(incident.RecId)).toHaveLength(0);

    expect(await runPlaybook()).toMatchObject({ failed: 0, bundlesPublished: 1, notesAdded: 1 });
    expect(await bundlesFor(incident.IncidentNumber)).toHaveLength(1);
    expect(await recordIncidents(incident.IncidentNumber)).toHaveLength(1);
  });

  it('reads notes and attachments added after its note: new indicators become one addendum (own bundle, one more note), once', async () => {
    const LATER_IP = '45.142.212.61';
    const incident = await newIncident({ Subject: 'Suspicious login', Symptom: `Login from ${MALICIOUS_IP}` });
    await runPlaybook();
    expect(await hubNotes(incident.RecId)).toHaveLength(1);

    // An analyst adds a note (one new IP, one already reported) and a text attachment with a hash.
    await control(ivanti, 'POST', `/incidents/${incident.RecId}/journal-notes`, { Subject: 'Triage', NotesBody: `Also beaconing to ${LATER_IP}; ${MALICIOUS_IP} again` });
    await control(ivanti, 'POST', `/incidents/${incident.RecId}/attachments`, { name: 'hashes.txt', contentType: 'text/plain', text: `dropper ${SHA256}\n` });
    const out = await runPlaybook();
    expect(out).toMatchObject({ laterEvidenceNotesAdded: 1, laterEvidenceFailed: 0 });
    const notes = await hubNotes(incident.RecId);
    expect(notes).toHaveLength(2);
    expect(notes[1]!.NotesBody).toMatch(/^socgraph found 2 more indicators in notes or attachments added to this incident since the last socgraph note/);
    expect(notes[1]!.NotesBody).toContain(LATER_IP);
    expect(notes[1]!.NotesBody).toContain(SHA256);
    expect(notes[1]!.NotesBody).not.toContain(MALICIOUS_IP);
    const bundles = await bundlesFor(incident.IncidentNumber);
    expect(bundles).toHaveLength(2);
    const later = bundles.find((b) => notes[1]!.Subject.includes(b.bundle.id))!;
    expect(later.bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern).sort()).toEqual(
      [`[file:hashes.'SHA-256' = '${SHA256}']`, `[ipv4-addr:value = '${LATER_IP}']`]);
    expect(validateStixBundle(later.bundle).valid).toBe(true);
    const ticket = await graphTicket(incident.RecId);
    expect(ticket.indicators.map((i: any) => i.value).sort()).toEqual([MALICIOUS_IP, LATER_IP, SHA256].sort());
    // The mirror follows: the analyst's note and the first socgraph note, as read before the addendum note was written.
    expect(ticket.worklogs.totalCount).toBe(2);
    expect(ticket.attachments.map((a: any) => a.name)).toEqual(['hashes.txt']);

    // Nothing new since: no third note, even though the same items are read again within the look-back overlap.
    expect((await runPlaybook()).laterEvidenceNotesAdded).toBe(0);
    // A note with only indicators reported already adds nothing either; the playbook's own notes never count.
    await control(ivanti, 'POST', `/incidents/${incident.RecId}/journal-notes`, { Subject: 'Recap', NotesBody: `${LATER_IP} and ${MALICIOUS_IP}` });
    expect((await runPlaybook()).laterEvidenceNotesAdded).toBe(0);
    expect(await hubNotes(incident.RecId)).toHaveLength(2);
    expect(await bundlesFor(incident.IncidentNumber)).toHaveLength(2);
  });

  it('enriches an incident logged without indicators once a note brings some, with its first note', async () => {
    const incident = await newIncident({ Subject: 'User reports odd e-mail', Symptom: 'Details to follow.' });
    expect(await runPlaybook()).toMatchObject({ failed: 0 });
    expect(await hubNotes(incident.RecId)).toHaveLength(0);
    await control(ivanti, 'POST', `/incidents/${incident.RecId}/journal-notes`, { Subject: 'Details', NotesBody: 'Link went to hxxp://login-micros0ft[.]com/verify' });
    expect((await runPlaybook()).laterEvidenceNotesAdded).toBe(1);
    const notes = await hubNotes(incident.RecId);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.NotesBody).toMatch(/^socgraph found 2 indicators in this incident and enriched them/); // the URL and its domain
    expect(notes[0]!.NotesBody).toContain('http://login-micros0ft.com/verify');
    expect(await bundlesFor(incident.IncidentNumber)).toHaveLength(1);
    expect((await runPlaybook()).laterEvidenceNotesAdded).toBe(0);
    // A further note then adds to that first one.
    await control(ivanti, 'POST', `/incidents/${incident.RecId}/journal-notes`, { Subject: 'More', NotesBody: `Sender relay ${MALICIOUS_IP}` });
    expect((await runPlaybook()).laterEvidenceNotesAdded).toBe(1);
    const more = await hubNotes(incident.RecId);
    expect(more).toHaveLength(2);
    expect(more[1]!.NotesBody).toMatch(/^socgraph found 1 more indicator in notes or attachments added to this incident since the last socgraph note/);
  });

  it('resumes an addendum whose note failed: the same bundle is not sent twice and the note is written once', async () => {
    const incident = await newIncident({ Subject: 'Beacon', Symptom: `Beacon to ${MALICIOUS_IP}` });
    await runPlaybook();
    await control(ivanti, 'POST', `/incidents/${incident.RecId}/journal-notes`, { Subject: 'More', NotesBody: 'second stage at 80.66.88.12' });
    // Every note written during this run fails (Ivanti answers 500 without writing it).
    await control(ivanti, 'PUT', '/faults', { pathPattern: 'journal__Notess$', method: 'POST', errorRate: 1, errorStatus: 500 });
    try {
      expect((await runPlaybook()).laterEvidenceFailed).toBeGreaterThanOrEqual(1);
    } finally {
      await control(ivanti, 'DELETE', '/faults');
    }
    expect(await hubNotes(incident.RecId)).toHaveLength(1);
    expect(await bundlesFor(incident.IncidentNumber)).toHaveLength(2); // published before the note failed
    await runPlaybook();
    const notes = await hubNotes(incident.RecId);
    expect(notes).toHaveLength(2);
    expect(notes[1]!.NotesBody).toContain('80.66.88.12');
    expect(await bundlesFor(incident.IncidentNumber)).toHaveLength(2);
    expect((await runPlaybook()).laterEvidenceNotesAdded).toBe(0);
  });

  it('enriches with the other providers when one is down, names the gap in the note and bundle, and follows it up once the provider is back', async () => {
    const ipAddress = '178.128.23.9';
    await control(vt, 'PUT', `/indicators/${ipAddress}`, { preset: 'suspicious' });
    const incident = await newIncident({ Subject: `AbuseIPDB outage ${ipAddress}` });
    await control(abuse, 'PUT', '/faults', { errorRate: 1, errorStatus: 503 });
    let output: Record<string, number>;
    try {
      output = await runPlaybook();
    } finally {
      await control(abuse, 'DELETE', '/faults');
    }
    expect(output).toMatchObject({ failed: 0, notesAdded: 1, bundlesPublished: 1 });
    expect(output.providerGaps).toBeGreaterThanOrEqual(1);

    const ticket = await graphTicket(incident.RecId);
    expect(ticket.indicators[0].enrichments.map((e: any) => e.provider)).toEqual(['VIRUSTOTAL']);
    const [note] = await hubNotes(incident.RecId);
    expect(note!.NotesBody).toMatch(/\| VirusTotal \| SUSPICIOUS \|/);
    expect(note!.NotesBody).toMatch(/\| AbuseIPDB \| no answer \(failed: [^|]+\) \| - \|/);
    expect(note!.NotesBody).toContain('to be looked up again later: AbuseIPDB');
    const [{ bundle }] = await bundlesFor(incident.IncidentNumber);
    const indicator = bundle.objects.find((o) => o.type === 'indicator')!;
    expect(indicator.description).toMatch(/AbuseIPDB: no answer/);
    expect(validateStixBundle(bundle).valid).toBe(true);

    // AbuseIPDB is back: the next run asks it again and writes one follow-up note, and nothing else.
    await control(abuse, 'PUT', `/indicators/${ipAddress}`, { preset: 'malicious' });
    expect(await runPlaybook()).toMatchObject({ followUpNotesAdded: 1, followUpsFailed: 0, bundlesPublished: 0, notesAdded: 0 });
    const notes = await hubNotes(incident.RecId);
    expect(notes.map((n) => n.Subject)).toEqual([`socgraph enrichment (${bundle.id})`, `socgraph enrichment update (${bundle.id})`]);
    expect(notes[1]!.NotesBody).toMatch(/\| AbuseIPDB \| MALICIOUS \| \d+ \|/);
    expect(notes[1]!.NotesBody).not.toContain('VirusTotal');
    expect((await graphTicket(incident.RecId)).indicators[0].enrichments.map((e: any) => e.provider).sort()).toEqual(['ABUSEIPDB', 'VIRUSTOTAL']);
    expect(await runPlaybook()).toMatchObject({ followUpNotesAdded: 0, processed: 0 });
    expect(await hubNotes(incident.RecId)).toHaveLength(2);
    expect(await bundlesFor(incident.IncidentNumber)).toHaveLength(1);
  });
});
