import { randomUUID } from 'node:crypto';
import { CYWARE_CFTR } from '../../src/sources/cyware-cftr/vendor-id.js';
import { CYWARE_CTIX } from '../../src/sources/cyware-ctix/vendor-id.js';
import { createCywareCftrSandbox } from '../../src/sandbox/cyware-cftr/index.js';
import { createCywareCtixSandbox } from '../../src/sandbox/cyware-ctix/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * Flow 2: Cyware Intel Exchange (CTIX) → Cyware Respond (CFTR), end to end over the real sandboxes and a real
 * database. Three CTIX sources are configured (plain HTTP, and HTTPS with a self-signed certificate with
 * verification on and off), so queries name theirs with `source`.
 */

let hub: TestHub;
let ctix: RunningSandbox;
let ctixTls: RunningSandbox;
let cftr: RunningSandbox;

beforeAll(async () => {
  ctix = await startSandbox(createCywareCtixSandbox());
  ctixTls = await startSandbox(createCywareCtixSandbox(), { tls: true });
  cftr = await startSandbox(createCywareCftrSandbox());
  Object.assign(process.env, {
    FLOW2_CTIX_ID: ctix.credentials.accessId, FLOW2_CTIX_SECRET: ctix.credentials.secretKey,
    FLOW2_CFTR_ID: cftr.credentials.accessId, FLOW2_CFTR_SECRET: cftr.credentials.secretKey,
  });
  const ctixCredentials = { accessId: 'FLOW2_CTIX_ID', secretKey: 'FLOW2_CTIX_SECRET' };
  hub = await startTestHub({
    config: {
      sandboxes: 'none',
      sources: [
        { name: 'ctix', vendor: CYWARE_CTIX, baseUrl: ctix.apiUrl, credentials: ctixCredentials, timeoutMs: 5_000 },
        { name: 'ctix-tls', vendor: CYWARE_CTIX, baseUrl: ctixTls.apiUrl, credentials: ctixCredentials, tlsVerify: true },
        { name: 'ctix-tls-off', vendor: CYWARE_CTIX, baseUrl: ctixTls.apiUrl, credentials: ctixCredentials, tlsVerify: false },
        { name: 'cftr', vendor: CYWARE_CFTR, baseUrl: cftr.apiUrl, credentials: { accessId: 'FLOW2_CFTR_ID', secretKey: 'FLOW2_CFTR_SECRET' }, timeoutMs: 5_000 },
      ],
    },
  });
});

afterAll(async () => {
  await hub?.close();
  await Promise.all([ctix, ctixTls, cftr].map((s) => s?.close()));
});

beforeEach(async () => {
  await Promise.all([ctix, ctixTls, cftr].map((s) => control(s, 'POST', '/reset')));
  await Promise.all([ctix, cftr].map((s) => control(s, 'DELETE', '/calls')));
});

// ---------------------------------------------------------------------------------------------- helpers

const OBJECT_FIELDS = 'id ctixId type iocType indicatorType name value tlp confidenceScore createdAt modifiedAt';

interface Seeded { id: string; type: string; name: string; related_ids: string[] }

async function seed(objects: unknown[], sandbox = ctix): Promise<Seeded[]> {
  return (await control(sandbox, 'POST', '/threat-data', { objects })).objects;
}

/** A report related to the given IOCs (each `[ioc_type, value]`). */
async function report(name: string, iocs: Array<[string, string]>, extra: Record<string, unknown> = {}): Promise<Seeded> {
  const [created] = await seed([{ type: 'report', name, confidence_score: 80, tlp: 'AMBER', indicators: iocs.map(([ioc_type, value]) => ({ ioc_type, value })), ...extra }]);
  return created!;
}

/** The graph's ThreatDataObject for a seeded object, found as a user would: by searching its name. */
async function threatObject(seeded: Seeded, source = 'ctix'): Promise<any> {
  const data = await hub.query(`query($search: String, $source: String) { threatData(source: $source, filter: { search: $search }, first: 100) { nodes { ${OBJECT_FIELDS} } } }`,
    { search: seeded.name, source });
  const found = data.threatData.nodes.find((n: any) => n.ctixId === seeded.id);
  if (!found) throw new Error(`threat data ${seeded.name} not found in the graph`);
  return found;
}

const CREATE = `mutation($input: CreateCftrIncidentInput!) { createCftrIncident(input: $input) {
  replayed
  incident { id externalId url title description status severity source { name vendor } indicators { id type value } }
  linkedIndicators { id type value sightings { subjectType subjectId } }
  skippedIndicators { value ctixType reason }
} }`;

async function createIncident(input: Record<string, unknown>, token = hub.tokens.OPERATOR): Promise<any> {
  return (await hub.query(CREATE, { input }, token)).createCftrIncident;
}

async function createError(input: Record<string, unknown>, token = hub.tokens.OPERATOR): Promise<{ message: string; extensions: Record<string, unknown> }> {
  const { body } = await hub.graphql(CREATE, { input }, token);
  expect(body.errors?.length).toBe(1);
  return body.errors![0] as never;
}

async function cftrIncidents(): Promise<any[]> {
  return (await control(cftr, 'GET', '/incidents')).incidents;
}

async function graphIncidentCount(): Promise<number> {
  return (await hub.query('{ incidents(filter: { vendor: CYWARE_CFTR }) { totalCount } }')).incidents.totalCount;
}

async function cftrIncidentsOf(seeded: Seeded): Promise<any[]> {
  const data = await hub.query(`query($search: String) { threatData(source: "ctix", filter: { search: $search }, first: 100) { nodes { ctixId
    cftrIncidents { cftrId readableId url createdAt incident { id externalId } } } } }`, { search: seeded.name });
  return data.threatData.nodes.find((n: any) => n.ctixId === seeded.id).cftrIncidents;
}

const unique = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;
const byValue = (a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value);

// ---------------------------------------------------------------------------------------------- live queries

describe('live threat data queries', () => {
  it('pages CTIX results onto our cursors (aligned and misaligned windows) with the object fields', async () => {
    const tag = unique('pager');
    await seed(Array.from({ length: 5 }, (_, i) => ({
      type: 'indicator', ioc_type: 'ipv4-addr', name: `203.0.113.${10 + i}`, tlp: 'GREEN', confidence_score: 60 + i, ctix_created: 1_750_000_000 + i,
      tags: [tag],
    })));
    const page = async (first: number, after?: string) => (await hub.query(`query($first: Int, $after: String) {
      threatData(source: "ctix", filter: { query: "tag = \\"${tag}\\"" }, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { ${OBJECT_FIELDS} } } } }`, { first, after })).threatData;

    const one = await page(2);
    expect(one.totalCount).toBe(5);
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    // Newest first (CTIX's default sort on ctix_created).
    expect(one.edges.map((e: any) => e.node.value)).toEqual(['203.0.113.14', '203.0.113.13']);
    expect(one.edges[0].node).toMatchObject({
      type: 'indicator', iocType: 'ipv4-addr', indicatorType: 'IPV4', name: '203.0.113.14', tlp: 'GREEN', confidenceScore: 64,
      createdAt: new Date(1_750_000_004_000).toISOString(),
    });
    const two = await page(2, one.pageInfo.endCursor);
    expect(two.edges.map((e: any) => e.node.value)).toEqual(['203.0.113.12', '203.0.113.11']);
    const three = await page(2, two.pageInfo.endCursor);
    expect(three.edges.map((e: any) => e.node.value)).toEqual(['203.0.113.10']);
    expect(three.pageInfo.hasNextPage).toBe(false);
    // A window that does not line up with CTIX pages: items 2..4 after the first item's cursor.
    const misaligned = await page(3, one.edges[0].cursor);
    expect(misaligned.edges.map((e: any) => e.node.value)).toEqual(['203.0.113.13', '203.0.113.12', '203.0.113.11']);
    expect(misaligned.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('filters by types, iocTypes, tlp and search (AND-ed after the CQL query) and reads related indicators live', async () => {
    const name = unique('Filter report');
    const created = await report(name, [['SHA-256', 'a'.repeat(64)], ['domain-name', 'filter.example'], ['SSDEEP', '3:abc:def']]);
    await seed([{ type: 'indicator', ioc_type: 'SHA-256', name: 'b'.repeat(64), tlp: 'RED' }]);
    const hashes = await hub.query(`{ threatData(source: "ctix", filter: { types: ["indicator"], iocTypes: ["SHA-256"], tlp: ["AMBER"] }) { nodes { value tlp } } }`);
    expect(hashes.threatData.nodes).toEqual([{ value: 'a'.repeat(64), tlp: 'AMBER' }]);

    const object = await threatObject(created);
    expect(object).toMatchObject({ type: 'report', iocType: null, indicatorType: null, value: null, name });
    const related = await hub.query(`query($s: String) { threatData(source: "ctix", filter: { search: $s, types: ["report"] }) { nodes { relatedIndicators { iocType indicatorType value } } } }`, { s: name });
    expect(related.threatData.nodes[0].relatedIndicators.sort(byValue)).toEqual([
      { iocType: 'SSDEEP', indicatorType: 'SSDEEP', value: '3:abc:def' },
      { iocType: 'SHA-256', indicatorType: 'SHA256', value: 'a'.repeat(64) },
      { iocType: 'domain-name', indicatorType: 'DOMAIN', value: 'filter.example' },
    ].sort(byValue));
  });

  it('answers BAD_USER_INPUT for a query CTIX refuses, a foreign cursor, a missing or unknown source', async () => {
    const bad = await hub.graphql('{ threatData(source: "ctix", filter: { query: "(type = \\"indicator\\")" }) { totalCount } }');
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors?.[0]?.message).toMatch(/refused the query.*parentheses/);
    const cursor = await hub.graphql('{ threatData(source: "ctix", after: "bm90LWEtY3Vyc29y") { totalCount } }');
    expect(cursor.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const several = await hub.graphql('{ threatData { totalCount } }');
    expect(several.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/3 CYWARE_CTIX sources.*ctix, ctix-tls, ctix-tls-off/) });
    const unknown = await hub.graphql('{ threatBulletins(source: "nope") { totalCount } }');
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (const first of [0, 101]) {
      const window = await hub.graphql(`{ threatInvestigations(source: "ctix", first: ${first}) { totalCount } }`);
      expect(window.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
    }
  });

  it('reads investigations with their nodes and bulletins with their objects', async () => {
    const [ip, malware] = await seed([
      { type: 'indicator', ioc_type: 'ipv4-addr', name: '198.51.100.7' },
      { type: 'malware', name: unique('Qakbot'), confidence_score: 90 },
    ]);
    const canvasName = unique('Canvas');
    await control(ctix, 'POST', '/investigations', { name: canvasName, objectIds: [ip!.id, malware!.id] });
    const bulletinTitle = unique('Bulletin');
    await control(ctix, 'POST', '/bulletins', { title: bulletinTitle, tlp: 'GREEN', objectIds: [ip!.id] });

    const data = await hub.query(`{
      threatInvestigations(source: "ctix") { totalCount nodes { id name sharedType nodes { ctixId type iocType value name } } }
      threatBulletins(source: "ctix") { totalCount nodes { id title status tlp objects { ctixId value } } } }`);
    expect(data.threatInvestigations.totalCount).toBe(1);
    expect(data.threatInvestigations.nodes[0]).toMatchObject({ name: canvasName, sharedType: 'private' });
    expect(data.threatInvestigations.nodes[0].nodes).toEqual([
      { ctixId: ip!.id, type: 'indicator', iocType: 'ipv4-addr', value: '198.51.100.7', name: '198.51.100.7' },
      { ctixId: malware!.id, type: 'malware', iocType: null, value: null, name: malware!.name },
    ]);
    expect(data.threatBulletins.nodes).toEqual([{ id: expect.any(String), title: bulletinTitle, status: 'CREATED', tlp: 'GREEN', objects: [{ ctixId: ip!.id, value: '198.51.100.7' }] }]);
  });
});

// ---------------------------------------------------------------------------------------------- creating incidents

describe('createCftrIncident', () => {
  it('makes one incident from one object: default title, mapped IOCs linked, the rest UNMAPPED_TYPE, recorded everywhere', async () => {
    const name = unique('APT29 Campaign Analysis');
    const created = await report(name, [
      ['ipv4-addr', '203.0.113.7'], ['domain-name', 'Bad.Example'], ['SHA-512', 'c'.repeat(128)], ['SSDEEP', '3:aa:bb'],
    ]);
    const object = await threatObject(created);
    const before = await hub.query('{ syncEvents(filter: { kinds: [INCIDENT_CREATED] }, first: 1) { nodes { cursor } } }');

    const result = await createIncident({ threatDataIds: [object.id] });
    expect(result.replayed).toBe(false);
    expect(result.incident).toMatchObject({ title: name, status: 'OPEN', severity: 'High', source: { name: 'cftr', vendor: 'CYWARE_CFTR' } });
    expect(result.incident.description).toContain(name);
    expect(result.incident.description).toContain('Not linked');
    expect(result.linkedIndicators.map((i: any) => [i.type, i.value]).sort()).toEqual([['DOMAIN', 'bad.example'], ['IPV4', '203.0.113.7']]);
    expect(result.skippedIndicators.sort(byValue)).toEqual([
      { value: '3:aa:bb', ctixType: 'SSDEEP', reason: 'UNMAPPED_TYPE' },
      { value: 'c'.repeat(128), ctixType: 'SHA-512', reason: 'UNMAPPED_TYPE' },
    ].sort(byValue));
    // Indicators with sightings on the incident and on their CTIX objects.
    for (const indicator of result.linkedIndicators) {
      expect(indicator.sightings.map((s: any) => s.subjectType).sort()).toEqual(['INCIDENT', 'THREAT_DATA']);
      expect(indicator.sightings.find((s: any) => s.subjectType === 'INCIDENT').subjectId).toBe(result.incident.id);
      expect(created.related_ids).toContain(indicator.sightings.find((s: any) => s.subjectType === 'THREAT_DATA').subjectId);
    }
    expect(result.incident.indicators.map((i: any) => i.id).sort()).toEqual(result.linkedIndicators.map((i: any) => i.id).sort());

    // What Respond got: one incident, the mapped IOCs as typed threat intel.
    const incidents = await cftrIncidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ unique_id: result.incident.externalId, title: name, level: 'High', status: 'Open', source: 'Intel Exchange' });
    expect(incidents[0].threat_intel.map((t: any) => [t.type, t.value]).sort()).toEqual([['Domain', 'bad.example'], ['IP', '203.0.113.7']]);
    expect(result.incident.url).toBe(`${cftr.origin}/cftr/incidents/${incidents[0].unique_id}/`);

    // The CTIX object shows it (the console's "CFTR Incidents" quick action).
    expect(await cftrIncidentsOf(created)).toEqual([{
      cftrId: incidents[0].unique_id, readableId: incidents[0].readable_id, url: result.incident.url, createdAt: expect.any(String),
      incident: { id: result.incident.id, externalId: incidents[0].unique_id },
    }]);

    const events = await hub.query('{ syncEvents(filter: { kinds: [INCIDENT_CREATED] }, first: 5) { nodes { cursor subjectId vendor message details } } }');
    const event = events.syncEvents.nodes.find((e: any) => e.subjectId === result.incident.id);
    expect(event).toMatchObject({ vendor: 'CYWARE_CFTR', details: { cftrId: incidents[0].unique_id, linked: 2, skipped: 2 } });
    expect(event.cursor).not.toBe(before.syncEvents.nodes[0]?.cursor);
  });

  it('links an indicator object itself, titled by its value', async () => {
    const [ioc] = await seed([{ type: 'indicator', ioc_type: 'url', name: `https://${randomUUID().slice(0, 8)}.example/login.php`, confidence_score: 20 }]);
    const result = await createIncident({ threatDataIds: [(await threatObject(ioc!)).id] });
    expect(result.incident).toMatchObject({ title: ioc!.name, severity: 'Low' });
    expect(result.linkedIndicators.map((i: any) => [i.type, i.value])).toEqual([['URL', ioc!.name]]);
    expect(result.skippedIndicators).toEqual([]);
    expect((await cftrIncidents())[0].threat_intel).toEqual([expect.objectContaining({ type: 'URL', value: ioc!.name })]);
  });

  it('bulk: ten objects make one incident (IOCs de-duplicated), titled by the first names and a count, recorded against each', async () => {
    const shared: [string, string] = ['ipv4-addr', '192.0.2.99'];
    const reports: Seeded[] = [];
    for (let i = 0; i < 10; i += 1) reports.push(await report(unique(`Bulk ${i}`), [shared, ['domain-name', `bulk-${i}.example`]], { confidence_score: 40 }));
    const objects = await Promise.all(reports.map((r) => threatObject(r)));
    const result = await createIncident({ threatDataIds: objects.map((o) => o.id), idempotencyKey: randomUUID() });
    expect(result.incident.title).toBe(`${reports[0]!.name}, ${reports[1]!.name} and 8 more`);
    expect(result.incident.severity).toBe('Medium');
    expect(result.linkedIndicators).toHaveLength(11); // the shared IP once
    expect(await cftrIncidents()).toHaveLength(1);
    for (const r of [reports[0]!, reports[9]!]) expect((await cftrIncidentsOf(r)).map((c: any) => c.incident.id)).toEqual([result.incident.id]);
  });

  it('takes the title given instead of the default', async () => {
    const created = await report(unique('Named'), [['MD5', 'd'.repeat(32)]]);
    const result = await createIncident({ threatDataIds: [(await threatObject(created)).id], title: '  Phishing wave — escalate  ' });
    expect(result.incident.title).toBe('Phishing wave — escalate');
    expect((await cftrIncidents())[0].title).toBe('Phishing wave — escalate');
  });

  it('investigation: the chosen nodes (an IOC node and a malware node with its IOCs), titled by the investigation', async () => {
    const [ip, domain] = await seed([
      { type: 'indicator', ioc_type: 'ipv4-addr', name: '198.51.100.20' },
      { type: 'indicator', ioc_type: 'domain-name', name: 'not-chosen.example' },
    ]);
    const [malware] = await seed([{ type: 'malware', name: unique('Emotet'), indicators: [{ ioc_type: 'SHA-1', value: 'e'.repeat(40) }] }]);
    const canvasName = unique('Investigation');
    await control(ctix, 'POST', '/investigations', { name: canvasName, objectIds: [ip!.id, domain!.id, malware!.id] });
    const canvas = (await hub.query('{ threatInvestigations(source: "ctix") { nodes { id nodes { id ctixId } cftrIncidents { cftrId } } } }')).threatInvestigations.nodes[0];
    const nodeId = (ctixId: string) => canvas.nodes.find((n: any) => n.ctixId === ctixId).id;

    const result = await createIncident({ investigation: { id: canvas.id, nodeIds: [nodeId(ip!.id), nodeId(malware!.id)] } });
    expect(result.incident.title).toBe(canvasName);
    expect(result.linkedIndicators.map((i: any) => [i.type, i.value]).sort()).toEqual([['IPV4', '198.51.100.20'], ['SHA1', 'e'.repeat(40)]]);
    const again = (await hub.query('{ threatInvestigations(source: "ctix") { nodes { cftrIncidents { cftrId incident { id } } } } }')).threatInvestigations.nodes[0];
    expect(again.cftrIncidents).toEqual([{ cftrId: result.incident.externalId, incident: { id: result.incident.id } }]);
    expect((await cftrIncidentsOf(ip!)).map((c: any) => c.incident.id)).toEqual([result.incident.id]);
    expect(await cftrIncidentsOf(domain!)).toEqual([]);

    // Without nodeIds: every node.
    const all = await createIncident({ investigation: { id: canvas.id } });
    expect(all.linkedIndicators.map((i: any) => i.value).sort()).toEqual(['198.51.100.20', 'e'.repeat(40), 'not-chosen.example'].sort());
  });

  it('bulletin: its objects, titled by the bulletin', async () => {
    const [ip] = await seed([{ type: 'indicator', ioc_type: 'ipv6-addr', name: '2001:DB8::1' }]);
    const actor = await report(unique('Actor dossier'), [['email-addr', 'Phisher@Example.com']]);
    const title = unique('Weekly bulletin');
    await control(ctix, 'POST', '/bulletins', { title, objectIds: [ip!.id, actor.id] });
    const bulletin = (await hub.query('{ threatBulletins(source: "ctix") { nodes { id } } }')).threatBulletins.nodes[0];
    const result = await createIncident({ bulletinId: bulletin.id });
    expect(result.incident.title).toBe(title);
    expect(result.linkedIndicators.map((i: any) => [i.type, i.value]).sort()).toEqual([['EMAIL', 'phisher@example.com'], ['IPV6', '2001:db8::1']]);
    expect((await hub.query('{ threatBulletins(source: "ctix") { nodes { cftrIncidents { incident { id } } } } }')).threatBulletins.nodes[0].cftrIncidents)
      .toEqual([{ incident: { id: result.incident.id } }]);
  });

  it('mapping edits: an unmapped type becomes linked once mapped, as the Respond type given; removing stops linking', async () => {
    const read = async (token = hub.tokens.VIEWER) => (await hub.query('{ indicatorTypeMappings { ctixType cftrField indicatorType } }', undefined, token)).indicatorTypeMappings;
    expect(await read()).toEqual(expect.arrayContaining([
      { ctixType: 'ipv4-addr', cftrField: 'IP', indicatorType: 'IPV4' }, { ctixType: 'SHA-256', cftrField: 'SHA256', indicatorType: 'SHA256' },
    ]));
    expect(await read()).toHaveLength(8);
    try {
      expect(await hub.query('mutation { removeIndicatorTypeMapping(ctixType: "email-addr") }', undefined, hub.tokens.ADMIN)).toEqual({ removeIndicatorTypeMapping: true });
      const first = await report(unique('Mail'), [['email-addr', 'x@bad.example'], ['MD5', 'f'.repeat(32)]]);
      const before = await createIncident({ threatDataIds: [(await threatObject(first)).id] });
      expect(before.skippedIndicators).toEqual([{ value: 'x@bad.example', ctixType: 'email-addr', reason: 'UNMAPPED_TYPE' }]);
      expect(before.linkedIndicators.map((i: any) => i.type)).toEqual(['MD5']);

      const set = await hub.query('mutation { a: setIndicatorTypeMapping(input: { ctixType: "EMAIL-ADDR", cftrField: "Email" }) { ctixType cftrField indicatorType } b: setIndicatorTypeMapping(input: { ctixType: "md5", cftrField: "File Hash" }) { ctixType cftrField } }', undefined, hub.tokens.ADMIN);
      expect(set).toEqual({ a: { ctixType: 'email-addr', cftrField: 'Email', indicatorType: 'EMAIL' }, b: { ctixType: 'MD5', cftrField: 'File Hash' } });
      const after = await createIncident({ threatDataIds: [(await threatObject(first)).id] });
      expect(after.skippedIndicators).toEqual([]);
      expect(after.linkedIndicators.map((i: any) => i.type).sort()).toEqual(['EMAIL', 'MD5']);
      const sent = (await cftrIncidents()).find((i) => i.unique_id === after.incident.externalId);
      expect(sent.threat_intel.map((t: any) => [t.type, t.value]).sort()).toEqual([['Email', 'x@bad.example'], ['File Hash', 'f'.repeat(32)]]);
    } finally {
      await hub.query('mutation { a: setIndicatorTypeMapping(input: { ctixType: "email-addr", cftrField: "Email" }) { ctixType } b: setIndicatorTypeMapping(input: { ctixType: "MD5", cftrField: "MD5" }) { ctixType } }', undefined, hub.tokens.ADMIN);
    }
    expect(await read()).toHaveLength(8);
  });

  it('SHA-512 and SSDEEP IOCs, unmapped by default, are linked as Indicators once mapped', async () => {
    const sha512 = 'D'.repeat(128);
    const created = await report(unique('Fuzzy'), [['SHA-512', sha512], ['SSDEEP', '96:s4Ud1Lj96tHHlZDrwciQmA:s4UdFWtHHlZDrwY']]);
    const before = await createIncident({ threatDataIds: [(await threatObject(created)).id] });
    expect(before.skippedIndicators.map((i: any) => i.reason)).toEqual(['UNMAPPED_TYPE', 'UNMAPPED_TYPE']);
    try {
      await hub.query('mutation { a: setIndicatorTypeMapping(input: { ctixType: "sha-512", cftrField: "SHA512" }) { ctixType } b: setIndicatorTypeMapping(input: { ctixType: "ssdeep", cftrField: "SSDEEP" }) { ctixType } }', undefined, hub.tokens.ADMIN);
      const after = await createIncident({ threatDataIds: [(await threatObject(created)).id] });
      expect(after.skippedIndicators).toEqual([]);
      expect(after.linkedIndicators.map((i: any) => [i.type, i.value]).sort()).toEqual([
        ['SHA512', 'd'.repeat(128)], ['SSDEEP', '96:s4Ud1Lj96tHHlZDrwciQmA:s4UdFWtHHlZDrwY'],
      ]);
      const sent = (await cftrIncidents()).find((i) => i.unique_id === after.incident.externalId);
      expect(sent.threat_intel.map((t: any) => t.type).sort()).toEqual(['SHA512', 'SSDEEP']);
      const found = await hub.query(`{ indicator(type: SHA512, value: "${sha512}") { type value sightings { subjectType } } }`);
      expect(found.indicator).toMatchObject({ type: 'SHA512', value: 'd'.repeat(128) });
    } finally {
      await hub.query('mutation { a: removeIndicatorTypeMapping(ctixType: "SHA-512") b: removeIndicatorTypeMapping(ctixType: "SSDEEP") }', undefined, hub.tokens.ADMIN);
    }
  });

  it('mapping edits need ADMIN; a type socgraph has no Indicator for cannot be mapped', async () => {
    const forbidden = await hub.graphql('mutation { removeIndicatorTypeMapping(ctixType: "url") }', undefined, hub.tokens.OPERATOR);
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unmappable = await hub.graphql('mutation { setIndicatorTypeMapping(input: { ctixType: "SHA-384", cftrField: "SHA384" }) { ctixType } }', undefined, hub.tokens.ADMIN);
    expect(unmappable.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/SHA-384.*Mappable CTIX types: .*SHA-512, SSDEEP/) });
    expect((await hub.query('mutation { removeIndicatorTypeMapping(ctixType: "no-such-type") }', undefined, hub.tokens.ADMIN)).removeIndicatorTypeMapping).toBe(false);
    const viewer = await createError({ threatDataIds: ['x'] }, hub.tokens.VIEWER);
    expect(viewer.extensions.code).toBe('FORBIDDEN');
  });
});

// ---------------------------------------------------------------------------------------------- idempotency

describe('idempotency', () => {
  it('a retry with the same key answers the first result and creates nothing', async () => {
    const created = await report(unique('Retry'), [['ipv4-addr', '192.0.2.1']]);
    const input = { threatDataIds: [(await threatObject(created)).id], idempotencyKey: randomUUID() };
    const first = await createIncident(input);
    const creates = () => cftr.calls.list({ method: 'POST', path: '/v1/incident/$' }).length;
    expect(creates()).toBe(1);
    const second = await createIncident(input);
    expect(second.replayed).toBe(true);
    expect({ ...second, replayed: false }).toEqual(first);
    expect(creates()).toBe(1);
    expect(await cftrIncidents()).toHaveLength(1);
    expect(await cftrIncidentsOf(created)).toHaveLength(1);

    const reused = await createError({ ...input, title: 'something else' });
    expect(reused).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/idempotencyKey.*different request/) });
  });

  it('two concurrent calls with one key make one Respond incident and answer the same result', async () => {
    const created = await report(unique('Race'), [['domain-name', 'race.example']]);
    const input = { threatDataIds: [(await threatObject(created)).id], idempotencyKey: randomUUID() };
    // Slow Respond down so the second call arrives while the first holds the key.
    await control(cftr, 'PUT', '/faults', { pathPattern: '/v1/incident/$', method: 'POST', latencyMs: 400 });
    try {
      const [a, b] = await Promise.all([createIncident(input), createIncident(input)]);
      expect(a.incident.id).toBe(b.incident.id);
      expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    } finally {
      await control(cftr, 'DELETE', '/faults');
    }
    expect(await cftrIncidents()).toHaveLength(1);
    expect(cftr.calls.list({ method: 'POST', path: '/v1/incident/$' })).toHaveLength(1);
  });

  it('a claim left by a call that went silent (a crashed replica) is taken over once stale (5 min), and the silent call cannot spoil it', async () => {
    const created = await report(unique('Stale claim'), [['ipv4-addr', '192.0.2.80']]);
    const key = randomUUID();
    const input = { threatDataIds: [(await threatObject(created)).id], idempotencyKey: key };
    // The first call's create never gets an answer: its connection hangs, then drops (Respond did nothing).
    await control(cftr, 'PUT', '/faults', { pathPattern: '/v1/incident/$', method: 'POST', next: [{ hangMs: 2_000 }] });
    const silent = createError(input);
    const claimedAt = async () => (await hub.services.dataSource.query(
      'SELECT claimed_at, state FROM cftr_incident_request WHERE idempotency_key = $1', [key]))[0] as { claimed_at: Date; state: string } | undefined;
    const injected = cftr.faults.injected;
    for (let i = 0; i < 100 && cftr.faults.injected === injected; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect((await claimedAt())?.state).toBe('PENDING');
    // Held, the claim makes a second call wait (and time out as CONFLICT after 90 s); aged past 5 minutes, it is taken over.
    await hub.services.dataSource.query(`UPDATE cftr_incident_request SET claimed_at = now() - interval '6 minutes' WHERE idempotency_key = $1`, [key]);
    const takeover = await createIncident(input);
    expect(takeover.replayed).toBe(false);
    expect(await cftrIncidents()).toHaveLength(1);

    // The silent call ends in an error, and leaves the claim, now the taker's, as it found it.
    expect((await silent).extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await claimedAt())?.state).toBe('DONE');
    const replay = await createIncident(input);
    expect(replay.replayed).toBe(true);
    expect(replay.incident.id).toBe(takeover.incident.id);
    expect(await cftrIncidents()).toHaveLength(1);
    expect(cftr.calls.list({ method: 'POST', path: '/v1/incident/$' })).toHaveLength(1); // the taker's (a dropped call is not logged)
    expect((await cftrIncidentsOf(created)).map((c: any) => c.incident.id)).toEqual([takeover.incident.id]);
  });

  it('if recording fails after Respond created the incident, a retry with the key records that incident instead of creating another', async () => {
    const created = await report(unique('Half way'), [['ipv4-addr', '192.0.2.77']]);
    const input = { threatDataIds: [(await threatObject(created)).id], idempotencyKey: randomUUID() };
    // Our database refuses the write (fault injected in the database, not in our code).
    await hub.services.dataSource.query(`ALTER TABLE cftr_incident_origin ADD CONSTRAINT flow2_refuse CHECK (subject_kind <> 'THREAT_DATA') NOT VALID`);
    try {
      const error = await createError(input);
      expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await hub.services.dataSource.query('ALTER TABLE cftr_incident_origin DROP CONSTRAINT flow2_refuse');
    }
    expect(await cftrIncidents()).toHaveLength(1);
    expect(await cftrIncidentsOf(created)).toEqual([]); // nothing half-recorded

    const retry = await createIncident(input);
    expect(await cftrIncidents()).toHaveLength(1);
    expect(cftr.calls.list({ method: 'POST', path: '/v1/incident/$' })).toHaveLength(1);
    expect(retry.incident.externalId).toBe((await cftrIncidents())[0].unique_id);
    expect((await cftrIncidentsOf(created)).map((c: any) => c.incident.id)).toEqual([retry.incident.id]);
    expect((await createIncident(input)).replayed).toBe(true);
  });

  it("if Respond created the incident but its answer was lost (502), a retry with the key finds it instead of creating a twin", async () => {
    const created = await report(unique('Lost answer'), [['ipv4-addr', '192.0.2.78']]);
    const input = { threatDataIds: [(await threatObject(created)).id], idempotencyKey: randomUUID() };
    await control(cftr, 'PUT', '/settings', { loseCreateAnswers: 1 });
    const error = await createError(input);
    expect(error.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    const [made] = await cftrIncidents();
    expect(await cftrIncidents()).toHaveLength(1); // it happened, though we were told otherwise
    expect(await cftrIncidentsOf(created)).toEqual([]);

    const retry = await createIncident(input);
    expect(retry.replayed).toBe(false);
    expect(await cftrIncidents()).toHaveLength(1);
    expect(cftr.calls.list({ method: 'POST', path: '/v1/incident/$' })).toHaveLength(1);
    expect(retry.incident.externalId).toBe(made.unique_id);
    expect((await cftrIncidentsOf(created)).map((c: any) => c.incident.id)).toEqual([retry.incident.id]);
    expect((await createIncident(input)).replayed).toBe(true);
  });

  it('an uncertain create that did not happen (a 503 before Respond acted) is created on retry, once', async () => {
    const created = await report(unique('Not made'), [['ipv4-addr', '192.0.2.79']]);
    const input = { threatDataIds: [(await threatObject(created)).id], idempotencyKey: randomUUID() };
    await control(cftr, 'PUT', '/faults', { pathPattern: '/v1/incident/$', method: 'POST', next: [{ status: 503 }] });
    try {
      expect((await createError(input)).extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await control(cftr, 'DELETE', '/faults');
    }
    expect(await cftrIncidents()).toHaveLength(0);
    const retry = await createIncident(input);
    expect(await cftrIncidents()).toHaveLength(1);
    expect(retry.incident.externalId).toBe((await cftrIncidents())[0].unique_id);
    expect(cftr.calls.list({ method: 'POST', path: '/v1/incident/$' })).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------- bad input and failures

describe('errors', () => {
  it('NOT_FOUND for unknown threat data, investigation, node and bulletin ids', async () => {
    const gone = await report(unique('Gone'), [['ipv4-addr', '192.0.2.2']]);
    const goneId = (await threatObject(gone)).id;
    const [ip] = await seed([{ type: 'indicator', ioc_type: 'ipv4-addr', name: '192.0.2.3' }]);
    await control(ctix, 'POST', '/investigations', { name: 'Gone canvas', objectIds: [ip!.id] });
    await control(ctix, 'POST', '/bulletins', { title: 'Gone bulletin', objectIds: [ip!.id] });
    const { threatInvestigations: inv, threatBulletins: bul } = await hub.query('{ threatInvestigations(source: "ctix") { nodes { id } } threatBulletins(source: "ctix") { nodes { id } } }');
    const [canvasId, bulletinId] = [inv.nodes[0].id, bul.nodes[0].id];
    const ipId = (await threatObject(ip!)).id;
    await control(ctix, 'POST', '/reset'); // CTIX forgets them all

    for (const input of [{ threatDataIds: [goneId] }, { investigation: { id: canvasId } }, { bulletinId }, { threatDataIds: ['not-an-id'] }, { bulletinId: goneId }]) {
      const error = await createError(input);
      expect(error.extensions.code).toBe('NOT_FOUND');
    }
    const [kept] = await seed([{ type: 'indicator', ioc_type: 'ipv4-addr', name: '192.0.2.4' }]);
    await control(ctix, 'POST', '/investigations', { name: 'Live canvas', objectIds: [kept!.id] });
    const live = (await hub.query('{ threatInvestigations(source: "ctix") { nodes { id } } }')).threatInvestigations.nodes[0].id;
    expect((await createError({ investigation: { id: live, nodeIds: [ipId] } })).message).toMatch(/not a node of investigation 'Live canvas'/);
    expect(await cftrIncidents()).toEqual([]);
  });

  it('BAD_USER_INPUT for an empty selection or a mix of input kinds', async () => {
    const [ip] = await seed([{ type: 'indicator', ioc_type: 'ipv4-addr', name: '192.0.2.5' }]);
    const id = (await threatObject(ip!)).id;
    await control(ctix, 'POST', '/investigations', { name: 'Empty canvas', objectIds: [] });
    await control(ctix, 'POST', '/bulletins', { title: 'Empty bulletin', objectIds: [] });
    const { threatInvestigations: inv, threatBulletins: bul } = await hub.query('{ threatInvestigations(source: "ctix") { nodes { id } } threatBulletins(source: "ctix") { nodes { id } } }');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ threatDataIds: [] }, /selection is empty/],
      [{}, /give one of/],
      [{ threatDataIds: [id], bulletinId: bul.nodes[0].id }, /only one of .*threatDataIds and bulletinId/],
      [{ threatDataIds: [id], investigation: { id: inv.nodes[0].id } }, /only one of/],
      [{ investigation: { id: inv.nodes[0].id, nodeIds: [] } }, /selection is empty/],
      [{ investigation: { id: inv.nodes[0].id } }, /has no nodes/],
      [{ bulletinId: bul.nodes[0].id }, /has no threat data objects/],
      [{ threatDataIds: [id], title: '   ' }, /title/],
    ];
    for (const [input, message] of cases) {
      const error = await createError(input);
      expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(message) });
    }
    expect(await cftrIncidents()).toEqual([]);
  });

  it('CTIX down: UPSTREAM_UNAVAILABLE naming the source, nothing recorded, and the same key works once it is back', async () => {
    const created = await report(unique('Down'), [['ipv4-addr', '192.0.2.6']]);
    const input = { threatDataIds: [(await threatObject(created)).id], idempotencyKey: randomUUID() };
    const incidentsBefore = await graphIncidentCount();
    await control(ctix, 'PUT', '/faults', { errorRate: 1, errorStatus: 503 });
    try {
      const error = await createError(input);
      expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', vendor: 'CYWARE_CTIX', source: 'ctix' }, message: expect.stringMatching(/^CYWARE_CTIX \(ctix\): .*503/) });
    } finally {
      await control(ctix, 'DELETE', '/faults');
    }
    expect(await cftrIncidents()).toEqual([]);
    expect(await graphIncidentCount()).toBe(incidentsBefore);
    const later = await createIncident(input);
    expect(later.replayed).toBe(false);
    expect(await cftrIncidents()).toHaveLength(1);
  });

  it('Respond down: UPSTREAM_UNAVAILABLE naming the source, the create not repeated, nothing recorded', async () => {
    const created = await report(unique('Respond down'), [['ipv4-addr', '192.0.2.7']]);
    const input = { threatDataIds: [(await threatObject(created)).id], idempotencyKey: randomUUID() };
    const incidentsBefore = await graphIncidentCount();
    await control(cftr, 'PUT', '/faults', { errorRate: 1, errorStatus: 503 });
    try {
      const error = await createError(input);
      expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', vendor: 'CYWARE_CFTR', source: 'cftr' }, message: expect.stringMatching(/^CYWARE_CFTR \(cftr\): /) });
    } finally {
      await control(cftr, 'DELETE', '/faults');
    }
    // A 5xx on a create may have created it: not retried blindly.
    expect(cftr.calls.list({ method: 'POST', path: '/v1/incident/$' })).toHaveLength(1);
    expect(await graphIncidentCount()).toBe(incidentsBefore);
    expect(await cftrIncidentsOf(created)).toEqual([]);
    expect((await createIncident(input)).replayed).toBe(false);
  });

  it('retries 429 and 5xx: CTIX reads and the Respond create, signing each attempt afresh', async () => {
    const created = await report(unique('Flaky'), [['ipv4-addr', '192.0.2.8']]);
    const id = (await threatObject(created)).id;
    await control(ctix, 'DELETE', '/calls');
    await control(ctix, 'PUT', '/faults', { pathPattern: `/${created.id}/relations/$`, next: [{ status: 429 }, { status: 503 }] });
    await control(cftr, 'PUT', '/faults', { pathPattern: '/v1/incident/$', method: 'POST', next: [{ status: 429 }] });
    try {
      const result = await createIncident({ threatDataIds: [id] });
      expect(result.linkedIndicators.map((i: any) => i.value)).toEqual(['192.0.2.8']);
    } finally {
      await Promise.all([control(ctix, 'DELETE', '/faults'), control(cftr, 'DELETE', '/faults')]);
    }
    // (Only this object's calls: a read abandoned by an earlier failed selection may still be retrying.)
    const relations = ctix.calls.list({ path: `/${created.id}/relations/$` });
    expect(relations.map((c) => c.status)).toEqual([429, 503, 200]);
    const creates = cftr.calls.list({ method: 'POST', path: '/v1/incident/$' });
    expect(creates.map((c) => c.status)).toEqual([429, 201]);
    expect(await cftrIncidents()).toHaveLength(1);
    // Each attempt is signed when it is sent (Expires computed per request, never reused across retries): its
    // Expires lies 1–30 s after the moment that attempt reached the sandbox.
    for (const call of [...relations, ...creates]) {
      const ahead = Number(call.query.Expires) - Date.parse(call.at) / 1000;
      expect(ahead).toBeGreaterThan(0);
      expect(ahead).toBeLessThanOrEqual(30);
    }
  });

  it('a clock 60 s off: CTIX and Respond refuse the signature (expired / too far ahead) and the error names clock skew', async () => {
    const created = await report(unique('Skew'), [['ipv4-addr', '192.0.2.9']]);
    const id = (await threatObject(created)).id;
    for (const skew of [60, -60]) {
      await control(ctix, 'PUT', '/settings', { clockSkewSeconds: skew });
      try {
        const { body } = await hub.graphql('{ threatData(source: "ctix") { totalCount } }');
        expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'UPSTREAM_AUTH', source: 'ctix', status: 403 } });
        expect(body.errors?.[0]?.message).toMatch(/clock may be skewed/);
        expect(body.errors?.[0]?.message).toMatch(skew > 0 ? /Signature expired/ : /more than 30 seconds after server time/);
      } finally {
        await control(ctix, 'PUT', '/settings', { clockSkewSeconds: 0 });
      }
    }
    await control(cftr, 'PUT', '/settings', { clockSkewSeconds: 60 });
    try {
      const error = await createError({ threatDataIds: [id] });
      expect(error).toMatchObject({ extensions: { code: 'UPSTREAM_AUTH', source: 'cftr' }, message: expect.stringMatching(/clock may be skewed.*Signature expired/) });
    } finally {
      await control(cftr, 'PUT', '/settings', { clockSkewSeconds: 0 });
    }
    expect(await cftrIncidentsOf(created)).toEqual([]);
    expect(await cftrIncidents()).toEqual([]);
  });

  it('TLS: verification on refuses the self-signed sandbox with a clear error; off works end to end', async () => {
    const [ioc] = await seed([{ type: 'indicator', ioc_type: 'domain-name', name: 'tls.example' }], ctixTls);
    const on = await hub.graphql('{ threatData(source: "ctix-tls") { totalCount } }');
    expect(on.body.errors?.[0]).toMatchObject({ extensions: { code: 'UPSTREAM_TLS', source: 'ctix-tls' } });
    expect(on.body.errors?.[0]?.message).toMatch(/TLS certificate not trusted \(.*\); set tlsVerify: false or give a caFile/);

    const off = await threatObject(ioc!, 'ctix-tls-off');
    expect(off).toMatchObject({ value: 'tls.example', iocType: 'domain-name' });
    const result = await createIncident({ threatDataIds: [off.id] });
    expect(result.linkedIndicators.map((i: any) => i.value)).toEqual(['tls.example']);
  });
});
