import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createVirusTotalSandbox } from '../../src/sandbox/virustotal/index.js';
import { validateStixBundle, validateStixObject } from '../../src/stix/validate.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * Issue 10, cases 7 and 8 (flow 3, the Ivanti enrichment playbook): the run's counters equal what was written when
 * incidents are handled concurrently, and each provider's result is published as a STIX `note` on the indicator.
 */
let hub: TestHub;
let ivanti: RunningSandbox;
let ctix: RunningSandbox;
let abuse: RunningSandbox;
let vt: RunningSandbox;

beforeAll(async () => {
  vt = await startSandbox(createVirusTotalSandbox());
  await control(vt, 'PUT', '/quota', { perMinute: null, perDay: null });
  process.env.TEST_RESULTS_VT_KEY = vt.credentials.apiKey;
  hub = await startTestHub({
    config: {
      sandboxes: 'missing',
      jobs: { 'ivanti-enrichment': { intervalSeconds: 0 }, 'ctp-resilient-sync': { intervalSeconds: 0 } },
      sources: [{
        name: 'vt', vendor: 'VIRUSTOTAL', baseUrl: vt.apiUrl, credentials: { apiKey: 'TEST_RESULTS_VT_KEY' },
        settings: { quota: { perMinute: 1000, perHour: null, perDay: null } },
      }],
    },
  });
  ivanti = hub.sandboxes.get('ivanti-itsm')!;
  ctix = hub.sandboxes.get('cyware-ctix')!;
  abuse = hub.sandboxes.get('abuseipdb')!;
});

afterAll(async () => {
  await hub?.close();
  await vt?.close();
});

async function newIncident(Subject: string, Symptom: string): Promise<{ RecId: string; IncidentNumber: number }> {
  return (await control(ivanti, 'POST', '/incidents', { Subject, Symptom })).incident;
}

async function runPlaybook(): Promise<Record<string, number>> {
  const data = await hub.query('mutation { runJob(name: "ivanti-enrichment") { state error output } }', undefined, hub.tokens.OPERATOR);
  if (data.runJob.state !== 'COMPLETED') throw new Error(`playbook run ${data.runJob.state}: ${data.runJob.error}`);
  return data.runJob.output;
}

async function hubNotes(recId: string): Promise<Array<{ Subject: string; NotesBody: string }>> {
  return control(ivanti, 'GET', `/journal-notes?incident=${recId}&via=api`);
}

async function bundlesFor(incidentNumber: number): Promise<Array<{ id: string; objects: Array<Record<string, any>> }>> {
  const { bundles } = await control(ctix, 'GET', '/bundles');
  return bundles.map((b: any) => b.bundle).filter((bundle: any) => bundle.objects.some((o: any) => o.type === 'indicator'
    && o.external_references?.some((r: any) => r.source_name === 'ivanti-itsm' && r.external_id === String(incidentNumber))));
}

describe('case 7: run counters under concurrency equal what was written', () => {
  it('followUpNotesAdded and laterEvidenceNotesAdded count every note written by incidents handled at once', async () => {
    const ips = ['45.61.136.10', '45.61.136.11', '45.61.136.12', '45.61.136.13'];
    await control(abuse, 'PUT', '/faults', { errorRate: 1, errorStatus: 503 });
    const incidents: Array<{ RecId: string; IncidentNumber: number }> = [];
    try {
      for (const ip of ips) incidents.push(await newIncident(`Counter test ${ip}`, `Connections to ${ip}`));
      expect(await runPlaybook()).toMatchObject({ failed: 0, notesAdded: ips.length });
    } finally {
      await control(abuse, 'DELETE', '/faults');
    }
    const notesOf = async () => (await Promise.all(incidents.map((i) => hubNotes(i.RecId)))).flat();
    const before = (await notesOf()).length;

    // AbuseIPDB is back: every incident gets its follow-up note in the same run (4 at once, the default concurrency).
    const followUp = await runPlaybook();
    const followUpNotes = (await notesOf()).length - before;
    expect(followUpNotes).toBe(ips.length);
    expect(followUp).toMatchObject({ followUpNotesAdded: followUpNotes, followUpsFailed: 0 });

    // An analyst adds a note with a new IP to each: one addendum note each, counted as written.
    for (const [n, incident] of incidents.entries()) {
      await control(ivanti, 'POST', `/incidents/${incident.RecId}/journal-notes`, { Subject: 'More', NotesBody: `Also talking to 45.61.137.${20 + n}` });
    }
    const beforeLater = (await notesOf()).length;
    const later = await runPlaybook();
    const laterNotes = (await notesOf()).length - beforeLater;
    expect(laterNotes).toBe(ips.length);
    expect(later).toMatchObject({ laterEvidenceNotesAdded: laterNotes, laterEvidenceFailed: 0 });
  });
});

describe('case 8: each provider result as a STIX note on the indicator', () => {
  it('publishes one note per provider answer, referencing the indicator, each valid against note.json', async () => {
    const ip = '185.220.101.77';
    await control(abuse, 'PUT', `/indicators/${ip}`, { preset: 'malicious' });
    await control(vt, 'PUT', `/indicators/${ip}`, { preset: 'suspicious' });
    const incident = await newIncident(`Beaconing to ${ip}`, 'Seen on the proxy.');
    expect(await runPlaybook()).toMatchObject({ failed: 0, bundlesPublished: 1 });
    const [bundle] = await bundlesFor(incident.IncidentNumber);
    expect(validateStixBundle(bundle)).toEqual({ valid: true, errors: [] });
    const indicator = bundle!.objects.find((o) => o.type === 'indicator' && o.name === ip)!;
    const notes = bundle!.objects.filter((o) => o.type === 'note' && o.object_refs.includes(indicator.id));
    expect(notes.map((n) => n.authors[0]).sort()).toEqual(['AbuseIPDB', 'VirusTotal']);
    expect(notes.find((n) => n.authors[0] === 'AbuseIPDB')).toMatchObject({ abstract: expect.stringMatching(/^AbuseIPDB: MALICIOUS/), labels: ['enrichment', 'verdict-malicious'] });
    expect(notes.find((n) => n.authors[0] === 'VirusTotal')).toMatchObject({ labels: ['enrichment', 'verdict-suspicious'] });
    for (const note of notes) expect(validateStixObject(note)).toEqual({ valid: true, errors: [] });
  });
});
