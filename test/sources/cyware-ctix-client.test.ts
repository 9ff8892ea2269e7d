import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CYWARE_CTIX } from '../../src/sources/cyware-ctix/vendor-id.js';
import { createCywareCtixSandbox } from '../../src/sandbox/cyware-ctix/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { CtixClient, type CtixClientOptions } from '../../src/sources/cyware-ctix/client.js';
import { threatDataQuery } from '../../src/sources/cyware-ctix/cql.js';
import { cywareCtixManifest } from '../../src/sources/cyware-ctix/manifest.js';
import {
  toOpenApiIntelBody, toQuickIntelBody, toThreatBulletin, toThreatDataObject, toThreatInvestigation,
} from '../../src/sources/cyware-ctix/map.js';
import { ctixSettingsSchema } from '../../src/sources/cyware-ctix/settings.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { VendorError } from '../../src/sources/http/vendor-error.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createCywareCtixSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => control('POST', '/reset'));

function client(options: Partial<CtixClientOptions> = {}, settings: Record<string, unknown> = {}): CtixClient {
  return new CtixClient({
    sourceName: 'ctix-test',
    baseUrl: sandbox.apiUrl,
    credentials: { accessId: sandbox.credentials.accessId!, secretKey: sandbox.credentials.secretKey! },
    settings: ctixSettingsSchema.parse({ taskPollIntervalMs: 50, ...settings }),
    timeoutMs: 2_000,
    retries: 2,
    backoffLimitMs: 50,
    health: new SourceHealthTracker(),
    ...options,
  });
}

async function control(method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${sandbox.origin}/__sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 400) throw new Error(`control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

async function seed(objects: unknown[]): Promise<Array<{ id: string; type: string; related_ids: string[] }>> {
  return (await control('POST', '/threat-data', { objects })).objects;
}

const calls = (path: string) => sandbox.calls.list({ path });

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(VendorError);
  return error as VendorError;
}

describe('threat data', () => {
  it('searches by a filter turned into CQL, and maps objects to ThreatDataObject', async () => {
    await seed([
      { type: 'indicator', ioc_type: 'ipv4-addr', name: '203.0.113.7', tlp: 'RED', confidence_score: 85, ctix_created: 1_750_000_000, ctix_modified: 1_750_000_100 },
      { type: 'indicator', ioc_type: 'SHA-256', name: 'b'.repeat(64), tlp: 'AMBER', analyst_tlp: 'RED', confidence_score: 90 },
      { type: 'indicator', ioc_type: 'domain-name', name: 'low.example', confidence_score: 10 },
      { type: 'malware', name: 'Qakbot', confidence_score: 95 },
    ]);
    const query = threatDataQuery({ types: ['indicator'], indicatorTypes: ['IPV4', 'SHA256'], minConfidence: 70 });
    expect(query).toBe('type = "indicator" AND ioc_type IN ("ipv4-addr","SHA-256") AND confidence_score >= "70"');
    const page = await client().listThreatData(query);
    const objects = page.results.map(toThreatDataObject).sort((a, b) => a.name.localeCompare(b.name));
    expect(objects).toEqual([
      {
        id: expect.any(String), type: 'indicator', iocType: 'IPV4', name: '203.0.113.7', value: '203.0.113.7', tlp: 'RED',
        confidenceScore: 85, createdAt: new Date(1_750_000_000_000), modifiedAt: new Date(1_750_000_100_000),
      },
      expect.objectContaining({ iocType: 'SHA256', value: 'b'.repeat(64), tlp: 'RED' }), // analyst TLP wins
    ]);
    const malware = (await client().listThreatData(threatDataQuery({ types: ['malware'] }))).results.map(toThreatDataObject);
    expect(malware).toEqual([expect.objectContaining({ type: 'malware', iocType: null, value: null, name: 'Qakbot' })]);
  });

  it('follows relative next links across pages, up to a limit', async () => {
    await control('POST', '/seed', { count: 5, iocsPerObject: 5 });
    sandbox.calls.clear();
    const pages: number[] = [];
    for await (const results of client({}, { pageSize: 10 }).threatDataPages('type = "indicator"')) pages.push(results.length);
    expect(pages).toEqual([10, 10, 5]);
    const listCalls = calls('/ctixapi/ingestion/threat-data/list/');
    expect(listCalls.map((c) => c.query.page)).toEqual(['1', '2', '3']);
    expect(listCalls.every((c) => (c.body as { query: string }).query === 'type = "indicator"')).toBe(true);

    const limited: number[] = [];
    for await (const results of client({}, { pageSize: 10 }).threatDataPages('type = "indicator"', 15)) limited.push(results.length);
    expect(limited).toEqual([10, 5]);
  });

  it('reads one object (keeping the id its body lacks) and its related indicators', async () => {
    const [malware] = await seed([{
      type: 'malware', name: 'Piccoload',
      indicators: [{ ioc_type: 'url', value: 'http://bad.example/x' }, { ioc_type: 'MD5', value: 'c'.repeat(32) }],
      related: [],
    }]);
    const [actor] = await seed([{ type: 'threat-actor', name: 'APT29', related: [{ id: malware!.id }] }]);
    const detail = await client().getThreatData('malware', malware!.id);
    expect(toThreatDataObject(detail)).toMatchObject({ id: malware!.id, type: 'malware', name: 'Piccoload' });
    const indicator = await client().getThreatData('indicator', malware!.related_ids[0]!);
    expect(toThreatDataObject(indicator)).toMatchObject({ iocType: 'URL', value: 'http://bad.example/x' });

    const related = await client({}, { pageSize: 1 }).relatedIndicators('malware', malware!.id);
    expect(related.map(toThreatDataObject).map((o) => o.iocType).sort()).toEqual(['MD5', 'URL']);
    expect(related.some((o) => o.id === actor!.id)).toBe(false); // the threat actor is related, but not an indicator
    expect(calls(`/relations/`)).toHaveLength(3); // three pages of one

    const missing = await failure(client().getThreatData('malware', randomUUID()));
    expect(missing.code).toBe('UPSTREAM_NOT_FOUND');
  });
});

describe('investigations and bulletins', () => {
  it('reads a canvas with its nodes as a ThreatInvestigation', async () => {
    const objects = await seed([{ type: 'indicator', ioc_type: 'ipv4-addr', name: '54.198.171.238', confidence_score: 72 }, { type: 'malware', name: 'Graphite' }]);
    const canvas = await control('POST', '/investigations', { name: 'Phishing wave', objectIds: objects.map((o) => o.id) });
    const ctix = client({}, { pageSize: 1 });
    const listed = await ctix.listInvestigations({ q: 'phishing' });
    expect(listed.results.map((c) => c.id)).toEqual([canvas.id]);
    const investigation = toThreatInvestigation(await ctix.getInvestigation(canvas.id), await ctix.investigationNodes(canvas.id));
    expect(investigation).toEqual({
      id: canvas.id, name: 'Phishing wave',
      nodes: [
        expect.objectContaining({ id: objects[0]!.id, type: 'indicator', iocType: 'IPV4', value: '54.198.171.238', confidenceScore: 72 }),
        expect.objectContaining({ id: objects[1]!.id, type: 'malware', iocType: null, name: 'Graphite' }),
      ],
    });
  });

  it('reads a bulletin with its objects, and creates one', async () => {
    const objects = await seed([{ type: 'indicator', ioc_type: 'domain-name', name: 'bad.example' }]);
    const seeded = await control('POST', '/bulletins', { title: 'Weekly brief', tlp: 'GREEN', objectIds: objects.map((o) => o.id) });
    const ctix = client();
    const bulletin = await ctix.getBulletin(seeded.id);
    expect(toThreatBulletin(bulletin, await ctix.bulletinObjects(bulletin))).toEqual({
      id: seeded.id, title: 'Weekly brief', status: 'CREATED', tlp: 'GREEN',
      objects: [expect.objectContaining({ iocType: 'DOMAIN', value: 'bad.example' })],
    });
    expect((await ctix.listBulletins({ q: 'weekly' })).results).toHaveLength(1);

    const id = await ctix.createBulletin({ title: 'Draft from socgraph', description: '<p>IOC summary</p>', tlp: 'AMBER' });
    const created = await ctix.getBulletin(id);
    expect(toThreatBulletin(created, await ctix.bulletinObjects(created))).toEqual({ id, title: 'Draft from socgraph', status: 'DRAFT', tlp: 'AMBER', objects: [] });
  });
});

describe('asynchronous creation and bundles', () => {
  it('creates intel, polls the task until CREATED and finds the report with its IOCs', async () => {
    await control('PUT', '/settings', { taskDelayMs: 120 });
    const ctix = client();
    const accepted = await ctix.createIntel(toOpenApiIntelBody({
      title: 'IOCs from incident INC-42', tlp: 'AMBER', confidence: 80,
      indicators: [{ type: 'IPV4', value: '203.0.113.50' }, { type: 'SHA256', value: 'd'.repeat(64) }],
    }));
    const reportId = await ctix.waitForTask(accepted.task_id);
    expect(reportId).toEqual(expect.any(String));
    const iocs = await ctix.relatedIndicators('report', reportId!);
    expect(iocs.map(toThreatDataObject).map((o) => `${o.iocType}:${o.value}`).sort()).toEqual(['IPV4:203.0.113.50', `SHA256:${'d'.repeat(64)}`]);
    expect(calls('receive-report').length).toBeGreaterThanOrEqual(2);

    const quick = await ctix.quickAddIntel(toQuickIntelBody({ title: 'Phishing sender', indicator: { type: 'EMAIL', value: 'x@bad.example' }, tlp: 'GREEN' }));
    const quickReport = await ctix.waitForTask(quick.task_id);
    expect((await ctix.relatedIndicators('report', quickReport!)).map((o) => o.ioc_type)).toEqual(['email-addr']);
  });

  it('gives up on a task still in progress after the configured polls', async () => {
    await control('PUT', '/settings', { taskDelayMs: 60_000 });
    const ctix = client({}, { taskPollAttempts: 2, taskPollIntervalMs: 10 });
    const { task_id } = await ctix.createIntel(toOpenApiIntelBody({ title: 'slow', tlp: 'AMBER', indicators: [{ type: 'DOMAIN', value: 'slow.example' }] }));
    const error = await failure(ctix.waitForTask(task_id));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/still in progress after 2 polls/);
  });

  it('publishes a STIX bundle to the configured source and collection', async () => {
    await control('PUT', '/settings', { taskDelayMs: 0 });
    const { source, collection } = await control('POST', '/sources', { name: 'SOCGraph', collection: 'SOCGraph Published' });
    const bundle = {
      type: 'bundle' as const, id: `bundle--${randomUUID()}`,
      objects: [{ type: 'indicator', spec_version: '2.1', id: `indicator--${randomUUID()}`, created: '2025-01-01T00:00:00.000Z',
        modified: '2025-01-01T00:00:00.000Z', pattern: "[domain-name:value = 'c2.example']", pattern_type: 'stix', valid_from: '2025-01-01T00:00:00.000Z' }],
    };
    await client({}, { ingestSourceId: source.id, ingestCollectionId: collection.id }).ingestBundle(bundle);
    const { bundles } = await control('GET', '/bundles');
    expect(bundles).toEqual([expect.objectContaining({
      requested: { source_id: source.id, source_type: 'CUSTOM_STIX_SOURCES', collection_id: collection.id },
      source: expect.objectContaining({ name: 'SOCGraph' }), bundle: expect.objectContaining({ id: bundle.id }), processed: true,
    })]);
    const found = await client().listThreatData(threatDataQuery({ indicatorTypes: ['DOMAIN'] }));
    expect(found.results.map(toThreatDataObject)).toEqual([expect.objectContaining({ value: 'c2.example', iocType: 'DOMAIN' })]);

    // Names instead of ids when no source id is configured.
    await client({}, { ingestSourceName: 'SOCGraph', ingestCollectionName: 'SOCGraph Published' }).ingestBundle({ ...bundle, id: `bundle--${randomUUID()}` });
    expect((await control('GET', '/bundles')).bundles[1].requested).toEqual({ source_name: 'SOCGraph', collection_name: 'SOCGraph Published' });
  });
});

describe('failures', () => {
  it('recovers from a 429 (CTIX sends no Retry-After) by retrying with backoff', async () => {
    await control('PUT', '/faults', { pathPattern: 'ping', next: [{ status: 429 }] });
    await client().ping();
    expect(calls('/ping/')).toHaveLength(2);
  });

  it('recovers from a 503 on a read, and fails a create on 503 without repeating it', async () => {
    await control('PUT', '/faults', { pathPattern: 'ping', next: [{ status: 503 }] });
    await client().ping();
    expect(calls('/ping/')).toHaveLength(2);

    await control('PUT', '/faults', { pathPattern: 'open-api', next: [{ status: 503 }] });
    const error = await failure(client().createIntel(toOpenApiIntelBody({ title: 't', tlp: 'AMBER', indicators: [{ type: 'URL', value: 'http://x.example' }] })));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    expect(calls('open-api')).toHaveLength(1);
  });

  it('times out on a hang and reports UPSTREAM_UNAVAILABLE', async () => {
    await control('PUT', '/faults', { pathPattern: 'ping', next: [{ hangMs: 5_000 }, { hangMs: 5_000 }] });
    const health = new SourceHealthTracker();
    const injectedBefore = sandbox.faults.injected;
    const error = await failure(client({ timeoutMs: 200, retries: 1, health }).ping());
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/timed out/);
    // Hung requests never finish, so they are not in the call log: count the hangs served instead.
    expect(sandbox.faults.injected - injectedBefore).toBe(2);
    expect(health.get('ctix-test').status).toBe('DEGRADED');
  });

  it('retries malformed JSON, and reports UPSTREAM_BAD_RESPONSE when it persists', async () => {
    await control('PUT', '/faults', { pathPattern: 'ping', next: [{ malformed: true }] });
    await client().ping();
    expect(calls('/ping/')).toHaveLength(2);

    sandbox.calls.clear();
    await control('PUT', '/faults', { pathPattern: 'ping', malformedRate: 1 });
    const error = await failure(client().ping());
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(calls('/ping/')).toHaveLength(3);
  });

  it('says the clock may be skewed when CTIX answers 403 to a client running 60 s off', async () => {
    for (const offsetMs of [-60_000, 60_000]) {
      sandbox.calls.clear();
      const error = await failure(client({ now: () => Date.now() + offsetMs }).ping());
      expect(error).toMatchObject({ code: 'UPSTREAM_AUTH', status: 403 });
      expect(error.message).toMatch(/clock may be skewed/);
      expect(calls('/ping/')).toHaveLength(1);
    }
  });

  it('answers UPSTREAM_AUTH for wrong credentials, with the secret never in the message', async () => {
    const error = await failure(client({ credentials: { accessId: sandbox.credentials.accessId!, secretKey: 'wrong-secret-value' } }).ping());
    expect(error).toMatchObject({ code: 'UPSTREAM_AUTH', status: 401 });
    expect(error.message).not.toMatch(/clock/);
    expect(error.message).not.toContain('wrong-secret-value');
  });
});

describe('manifest', () => {
  it('builds a working client from a source config', async () => {
    const ctix = cywareCtixManifest.createClient({
      name: 'ctix-from-config', vendor: CYWARE_CTIX, baseUrl: sandbox.apiUrl, enabled: true, sandbox: true, tlsVerify: true,
      pollIntervalSeconds: 0, timeoutMs: 2_000, credentials: { ...sandbox.credentials }, settings: {},
    }, { health: new SourceHealthTracker() });
    await expect(ctix.ping()).resolves.toBeUndefined();
    expect(ctix.settings.signatureValiditySeconds).toBe(25);
  });
});

describe('over HTTPS (self-signed sandbox)', () => {
  let tlsSandbox: RunningSandbox;
  let caFile: string;

  beforeAll(async () => {
    tlsSandbox = await startSandbox(createCywareCtixSandbox(), { tls: true });
    caFile = join(mkdtempSync(join(tmpdir(), 'ctix-ca-')), 'sandbox.pem');
    writeFileSync(caFile, tlsSandbox.certificatePem!);
  });
  afterAll(() => tlsSandbox.close());

  const tlsClient = (tls: CtixClientOptions['tls']) => client({ baseUrl: tlsSandbox.apiUrl, tls, retries: 0 });

  it('refuses an untrusted certificate with UPSTREAM_TLS', async () => {
    const error = await failure(tlsClient(undefined).ping());
    expect(error.code).toBe('UPSTREAM_TLS');
    expect(error.message).toMatch(/certificate not trusted.*caFile/);
  });

  it('works with verification off, or with the sandbox certificate as caFile', async () => {
    await expect(tlsClient({ verify: false }).ping()).resolves.toBeUndefined();
    await expect(tlsClient({ caFile }).ping()).resolves.toBeUndefined();
  });
});
