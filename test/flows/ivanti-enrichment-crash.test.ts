import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAbuseIpdbSandbox } from '../../src/sandbox/abuseipdb/index.js';
import { createCywareCtixSandbox } from '../../src/sandbox/cyware-ctix/index.js';
import { createHybridAnalysisSandbox } from '../../src/sandbox/hybrid-analysis/index.js';
import { createIvantiItsmSandbox } from '../../src/sandbox/ivanti-itsm/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createVirusTotalSandbox } from '../../src/sandbox/virustotal/index.js';
import { testDatabase } from '../support/database.js';
import { startHubProcess } from '../support/hub-process.js';
import { control } from '../support/sandbox-control.js';

/**
 * SIGKILL the hub in the middle of the Ivanti enrichment playbook, several times, restarting it each time (the
 * sandboxes live in this process and outlive every hub). At the end every incident has exactly one journal note,
 * one record incident and one published bundle; the record incidents were never enriched themselves. When a kill
 * lands during a provider call, that look-up waits for the killed hub's slot to miss its heartbeat (30 s lease).
 */
const INCIDENTS = 160;
const KILLS = 5;

let ivanti: RunningSandbox;
let ctix: RunningSandbox;
let abuse: RunningSandbox;
let hybrid: RunningSandbox;
let vt: RunningSandbox;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  [ivanti, ctix, abuse, hybrid, vt] = await Promise.all([
    startSandbox(createIvantiItsmSandbox()), startSandbox(createCywareCtixSandbox()), startSandbox(createAbuseIpdbSandbox()),
    startSandbox(createHybridAnalysisSandbox()), startSandbox(createVirusTotalSandbox()),
  ]);
  await control(vt, 'PUT', '/quota', { perMinute: null, perDay: null });
  await control(abuse, 'PUT', '/quota', { perMinute: null, perDay: null });
  database = await testDatabase();
});

afterAll(async () => {
  await Promise.all([ivanti, ctix, abuse, hybrid, vt].map((s) => s?.close()));
  await database?.drop();
});

/** What is left undone, read from the test file's database (on the server or the run's embedded PostgreSQL). */
async function unfinished(): Promise<string> {
  if (!database.url) return 'run with DATABASE_URL to see the unfinished incidents';
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT incident_number, step, failures, last_error FROM ivanti_enrichment_progress WHERE step <> 'DONE'`);
    return JSON.stringify(rows);
  } finally {
    await client.end();
  }
}

it(`survives ${KILLS} SIGKILLs during the playbook without noting, recording or publishing anything twice`, async () => {
  const seeded: Array<{ incident: { RecId: string; IncidentNumber: number } }> = await control(ivanti, 'POST', '/incidents',
    Array.from({ length: INCIDENTS }, (_, i) => ({
      Subject: `Alert ${i}: traffic to 45.67.${i}.1`,
      Symptom: `Also seen: hxxp://c2-${i}[.]example-threat.net/gate and 45.67.${i}.2`,
      journalNotes: [{ Subject: 'Triage', NotesBody: `analyst note for alert ${i}` }],
    })));
  const dir = mkdtempSync(join(tmpdir(), 'sg-ivanti-crash-'));
  const config = join(dir, 'hub.yaml');
  const unmetered = { quota: { perMinute: null, perHour: null, perDay: null } };
  writeFileSync(config, JSON.stringify({
    sandboxes: 'none',
    server: { port: 0, host: '127.0.0.1' },
    database: { dataDir: join(dir, 'postgres') },
    jobs: { 'ivanti-enrichment': { intervalSeconds: 1 }, 'event-retention': { intervalSeconds: 0 } },
    sources: [
      { vendor: 'IVANTI_ITSM', baseUrl: ivanti.apiUrl, credentials: { apiKey: 'CRASH_IVANTI_KEY' }, settings: { enrichment: { concurrency: 4 } } },
      { vendor: 'CYWARE_CTIX', baseUrl: ctix.apiUrl, credentials: { accessId: 'CRASH_CTIX_ID', secretKey: 'CRASH_CTIX_SECRET' } },
      { vendor: 'ABUSEIPDB', baseUrl: abuse.apiUrl, credentials: { apiKey: 'CRASH_ABUSE_KEY' }, settings: unmetered },
      { vendor: 'HYBRID_ANALYSIS', baseUrl: hybrid.apiUrl, credentials: { apiKey: 'CRASH_HA_KEY' }, settings: unmetered },
      { vendor: 'VIRUSTOTAL', baseUrl: vt.apiUrl, credentials: { apiKey: 'CRASH_VT_KEY' }, settings: unmetered },
    ],
  }));
  const env = {
    HUB_CONFIG: config,
    DATABASE_URL: database.url ?? '',
    CRASH_IVANTI_KEY: ivanti.credentials.apiKey, CRASH_CTIX_ID: ctix.credentials.accessId, CRASH_CTIX_SECRET: ctix.credentials.secretKey,
    CRASH_ABUSE_KEY: abuse.credentials.apiKey, CRASH_HA_KEY: hybrid.credentials.apiKey, CRASH_VT_KEY: vt.credentials.apiKey,
  };
  const hubNotes = async () => (await control<Array<{ ParentLink_RecID: string; Subject: string }>>(ivanti, 'GET', '/journal-notes?via=api'));

  let kills = 0;
  while (kills < KILLS && (await hubNotes()).length < INCIDENTS) {
    const hub = await startHubProcess(env);
    // A random point: extracting, enriching, publishing, creating record incidents, writing notes.
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1500));
    hub.child.kill('SIGKILL');
    await new Promise((resolve) => hub.child.once('exit', resolve));
    kills += 1;
  }
  expect(kills).toBe(KILLS); // the playbook was still going at every kill

  const hub = await startHubProcess(env);
  try {
    // An indicator whose look-up a killed hub had in flight waits for that slot's lease (30 s past its last heartbeat).
    const deadline = Date.now() + 180_000;
    while ((await hubNotes()).length < INCIDENTS) {
      if (Date.now() > deadline) throw new Error(`playbook did not finish: ${(await hubNotes()).length} of ${INCIDENTS} notes; ${await unfinished()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // One more run after the last note: nothing left to do, nothing repeated.
    await new Promise((resolve) => setTimeout(resolve, 2500));
  } finally {
    expect(await hub.stop()).toBe(0);
  }

  const notes = await hubNotes();
  const created: Array<{ Subject: string; Symptom: string; RecId: string }> = await control(ivanti, 'GET', '/incidents?via=api');
  const { bundles } = await control<{ bundles: Array<{ bundle: { id: string; objects: Array<Record<string, any>> } }> }>(ctix, 'GET', '/bundles');
  for (const { incident } of seeded) {
    const mine = notes.filter((n) => n.ParentLink_RecID === incident.RecId);
    expect({ incident: incident.IncidentNumber, notes: mine.length }).toEqual({ incident: incident.IncidentNumber, notes: 1 });
    const records = created.filter((c) => c.Subject === `[socgraph] STIX bundle published for incident ${incident.IncidentNumber}`);
    expect({ incident: incident.IncidentNumber, records: records.length }).toEqual({ incident: incident.IncidentNumber, records: 1 });
    // A bundle may be re-sent (same id, same objects) when a kill lands between CTIX's answer and our record of it.
    const bundleIds = new Set(bundles
      .filter((b) => b.bundle.objects.some((o) => o.external_references?.some((r: any) => r.source_name === 'ivanti-itsm' && r.external_id === String(incident.IncidentNumber))))
      .map((b) => b.bundle.id));
    expect({ incident: incident.IncidentNumber, bundles: bundleIds.size }).toEqual({ incident: incident.IncidentNumber, bundles: 1 });
    expect(mine[0]!.Subject).toBe(`socgraph enrichment (${[...bundleIds][0]})`);
    expect(records[0]!.Symptom).toContain([...bundleIds][0]);
  }
  // The record incidents are the hub's own: never enriched, never noted.
  expect(created).toHaveLength(INCIDENTS);
  expect(notes).toHaveLength(INCIDENTS);
}, 400_000);
