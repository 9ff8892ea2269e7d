import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CYWARE_CFTR } from '../../src/sources/cyware-cftr/vendor-id.js';
import { createCywareCftrSandbox } from '../../src/sandbox/cyware-cftr/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { CftrClient, openApiUrl, type CftrClientOptions } from '../../src/sources/cyware-cftr/client.js';
import { cywareCftrManifest } from '../../src/sources/cyware-cftr/manifest.js';
import { toIncidentData, toIncidentIndicators, type NewCftrIncident } from '../../src/sources/cyware-cftr/map.js';
import { cftrSettingsSchema } from '../../src/sources/cyware-cftr/settings.js';
import { SourceHealthTracker } from '../../src/sources/health/source-health.js';
import { VendorError } from '../../src/sources/http/vendor-error.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createCywareCftrSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => control('POST', '/reset'));

function client(options: Partial<CftrClientOptions> = {}, settings: Record<string, unknown> = {}): CftrClient {
  return new CftrClient({
    sourceName: 'cftr-test',
    baseUrl: sandbox.apiUrl,
    credentials: { accessId: sandbox.credentials.accessId!, secretKey: sandbox.credentials.secretKey! },
    settings: cftrSettingsSchema.parse(settings),
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

const calls = (path: string, method?: string) => sandbox.calls.list({ path, method });

const newIncident = (overrides: Partial<NewCftrIncident> = {}): NewCftrIncident => ({
  title: "CTIX: malicious IOCs observed — report 'APT29 Campaign Analysis'",
  description: '<p>Created from Intel Exchange</p>',
  severity: 'High',
  phase: 'Detection and Analysis',
  incidentType: 'Malware',
  businessUnits: ['Corporate IT'],
  source: 'Intel Exchange',
  externalId: 'ctix:report:report-001',
  indicators: [
    { type: 'IPV4', value: '203.0.113.7' },
    { type: 'IPV6', value: '2001:db8::7' },
    { type: 'DOMAIN', value: 'bad.example' },
    { type: 'SHA256', value: 'e'.repeat(64) },
  ],
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(VendorError);
  return error as VendorError;
}

describe('connection and base URL', () => {
  it('accepts the root …/cftrapi or the full …/cftrapi/openapi', async () => {
    expect(openApiUrl('https://t.example/cftrapi')).toBe('https://t.example/cftrapi/openapi');
    expect(openApiUrl('https://t.example/cftrapi/openapi/')).toBe('https://t.example/cftrapi/openapi');
    await client({ baseUrl: sandbox.apiUrl.replace(/\/openapi$/, '') }).testConnectivity();
    await client({ baseUrl: `${sandbox.apiUrl}/` }).testConnectivity();
    expect(calls('/cftrapi/openapi/test-connectivity/')).toHaveLength(2);
  });
});

describe('create and read incidents', () => {
  it('creates an incident with its IOCs inline and maps it to IncidentData and indicators', async () => {
    const cftr = client();
    const created = await cftr.createIncident(newIncident());
    const sent = calls('/v1/incident/', 'POST')[0]!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ level: 'High', business_unit: ['Corporate IT'], external_id: 'ctix:report:report-001' });
    expect(sent.threat_intel).toEqual([
      { value: '203.0.113.7', type: 'IP' }, { value: '2001:db8::7', type: 'IP' },
      { value: 'bad.example', type: 'Domain' }, { value: 'e'.repeat(64), type: 'SHA256' },
    ]);

    const incident = toIncidentData(created, cftr.incidentUrlTemplate);
    expect(incident).toEqual({
      externalId: created.unique_id,
      url: `${sandbox.origin}/cftr/incidents/${created.unique_id}/`,
      title: "CTIX: malicious IOCs observed — report 'APT29 Campaign Analysis'",
      description: '<p>Created from Intel Exchange</p>',
      status: 'OPEN',
      severity: 'High',
      phase: 'Detection and Analysis',
      resolution: null,
      resolutionSummary: null,
      customFields: expect.objectContaining({ readable_id: 'INC100', incident_type: 'Malware', external_id: 'ctix:report:report-001' }),
      version: null,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      closedAt: null,
    });
    expect(toIncidentIndicators(await cftr.getIncident(created.unique_id), cftr.settings).map((i) => [i.type, i.value])).toEqual([
      ['IPV4', '203.0.113.7'], ['IPV6', '2001:db8::7'], ['DOMAIN', 'bad.example'], ['SHA256', 'e'.repeat(64)],
    ]);
  });

  it('sends the configured severity and indicator keys', async () => {
    await client({}, { severityField: 'severity', indicatorField: 'iocs' }).createIncident(newIncident({ severity: 'Low' }));
    const sent = calls('/v1/incident/', 'POST')[0]!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ severity: 'Low', iocs: expect.any(Array) });
    expect(sent).not.toHaveProperty('level');
    expect((await control('GET', '/incidents')).incidents[0]).toMatchObject({ level: 'Low', threat_intel: expect.arrayContaining([expect.objectContaining({ value: 'bad.example' })]) });
  });

  it('links IOCs in two steps when configured, and answers the incident read back with them', async () => {
    const cftr = client({}, { indicatorLinking: 'connect' });
    const created = await cftr.createIncident(newIncident());
    expect(sandbox.calls.list().map((c) => `${c.method} ${c.path.replace(created.unique_id, ':id')}`)).toEqual([
      'POST /cftrapi/openapi/v1/incident/',
      'POST /cftrapi/openapi/v1/threat-intel/',
      'POST /cftrapi/openapi/v1/incident/:id/connect/',
      'GET /cftrapi/openapi/v1/incident/:id/',
    ]);
    expect(calls('/v1/incident/', 'POST')[0]!.body).not.toHaveProperty('threat_intel');
    expect(toIncidentIndicators(created, cftr.settings)).toHaveLength(4);
  });

  it('names the created incident when linking fails afterwards', async () => {
    await control('PUT', '/faults', { pathPattern: 'threat-intel', next: [{ status: 500 }] });
    const error = await failure(client({}, { indicatorLinking: 'connect' }).createIncident(newIncident()));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/incident INC100 \([0-9a-f-]{36}\) was created but linking its 4 indicators failed/);
    const { incidents } = await control('GET', '/incidents');
    expect(incidents).toEqual([expect.objectContaining({ readable_id: 'INC100', threat_intel: [] })]);
  });

  it('maps Respond refusals: duplicate → UPSTREAM_CONFLICT, invalid → UPSTREAM_REJECTED, unknown → UPSTREAM_NOT_FOUND', async () => {
    const cftr = client();
    await cftr.createIncident(newIncident());
    expect((await failure(cftr.createIncident(newIncident()))).code).toBe('UPSTREAM_CONFLICT');
    const invalid = await failure(cftr.createIncident(newIncident({ externalId: 'other', severity: 'Severe' })));
    expect(invalid).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 400 });
    expect(invalid.message).toMatch(/not a valid choice/);
    expect((await failure(cftr.getIncident('5d7a2f0e-0000-4000-8000-000000000000'))).code).toBe('UPSTREAM_NOT_FOUND');
  });

  it('sees an incident an analyst closed as CLOSED', async () => {
    const cftr = client();
    const created = await cftr.createIncident(newIncident());
    await control('PATCH', `/incidents/${created.unique_id}`, { status: 'Closed' });
    expect(toIncidentData(await cftr.getIncident(created.unique_id), null)).toMatchObject({ status: 'CLOSED', url: null });
  });
});

describe('list incidents', () => {
  it('pages through a created-date window until a short page', async () => {
    for (let day = 1; day <= 7; day += 1) await control('POST', '/incidents', { title: `Day ${day}`, created: `2025-03-0${day}T08:00:00.000Z` });
    const cftr = client({}, { pageSize: 2 });
    const pages: string[][] = [];
    for await (const page of cftr.incidentPages({ createdFrom: new Date('2025-03-02T00:00:00Z'), createdTo: new Date('2025-03-06T23:59:59Z') })) {
      pages.push(page.map((i) => i.title));
    }
    expect(pages).toEqual([['Day 6', 'Day 5'], ['Day 4', 'Day 3'], ['Day 2']]);
    const listCalls = calls('/v1/incident/', 'GET');
    expect(listCalls).toHaveLength(3);
    expect(listCalls[0]!.query).toMatchObject({ created_date__gte: String(Date.parse('2025-03-02T00:00:00Z') / 1000), page_size: '2' });
  });
});

describe('failures', () => {
  it('retries a 429 on a create (Respond said "not now") and creates once', async () => {
    await control('PUT', '/faults', { pathPattern: 'incident', method: 'POST', next: [{ status: 429 }] });
    await client().createIncident(newIncident());
    expect(calls('/v1/incident/', 'POST')).toHaveLength(2);
    expect((await control('GET', '/incidents')).count).toBe(1);
  });

  it('does not repeat a create that answered 503, and recovers a read from 503 and malformed JSON', async () => {
    await control('PUT', '/faults', { pathPattern: 'incident', method: 'POST', next: [{ status: 503 }] });
    expect((await failure(client().createIncident(newIncident()))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(calls('/v1/incident/', 'POST')).toHaveLength(1);

    await control('PUT', '/faults', { pathPattern: 'connectivity', next: [{ status: 503 }, { malformed: true }] });
    await client().testConnectivity();
    expect(calls('test-connectivity')).toHaveLength(3);
  });

  it('times out on a hang', async () => {
    await control('PUT', '/faults', { pathPattern: 'connectivity', next: [{ hangMs: 5_000 }] });
    const injectedBefore = sandbox.faults.injected;
    const error = await failure(client({ timeoutMs: 200, retries: 0 }).testConnectivity());
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/timed out/);
    expect(sandbox.faults.injected - injectedBefore).toBe(1);
  });

  it('says the clock may be skewed when Respond answers 403 to a client running 60 s off', async () => {
    for (const offsetMs of [-60_000, 60_000]) {
      sandbox.calls.clear();
      const error = await failure(client({ now: () => Date.now() + offsetMs }).testConnectivity());
      expect(error).toMatchObject({ code: 'UPSTREAM_AUTH', status: 403 });
      expect(error.message).toMatch(/clock may be skewed/);
      expect(calls('test-connectivity')).toHaveLength(1);
    }
  });
});

describe('manifest', () => {
  it('builds a working client from a source config', async () => {
    const cftr = cywareCftrManifest.createClient({
      name: 'cftr-from-config', vendor: CYWARE_CFTR, baseUrl: sandbox.apiUrl, enabled: true, sandbox: true, tlsVerify: true,
      pollIntervalSeconds: 0, timeoutMs: 2_000, credentials: { ...sandbox.credentials }, settings: { incidentUrlTemplate: 'https://respond.example/cftr/incidents/{unique_id}/' },
    }, { health: new SourceHealthTracker() });
    await expect(cftr.testConnectivity()).resolves.toBeUndefined();
    expect(cftr.incidentUrlTemplate).toBe('https://respond.example/cftr/incidents/{unique_id}/');
  });
});

describe('over HTTPS (self-signed sandbox)', () => {
  let tlsSandbox: RunningSandbox;
  let caFile: string;

  beforeAll(async () => {
    tlsSandbox = await startSandbox(createCywareCftrSandbox(), { tls: true });
    caFile = join(mkdtempSync(join(tmpdir(), 'cftr-ca-')), 'sandbox.pem');
    writeFileSync(caFile, tlsSandbox.certificatePem!);
  });
  afterAll(() => tlsSandbox.close());

  const tlsClient = (tls: CftrClientOptions['tls']) => client({ baseUrl: tlsSandbox.apiUrl, tls, retries: 0 });

  it('refuses an untrusted certificate with UPSTREAM_TLS', async () => {
    const error = await failure(tlsClient(undefined).testConnectivity());
    expect(error.code).toBe('UPSTREAM_TLS');
    expect(error.message).toMatch(/certificate not trusted.*caFile/);
  });

  it('works with verification off, or with the sandbox certificate as caFile', async () => {
    await expect(tlsClient({ verify: false }).testConnectivity()).resolves.toBeUndefined();
    await expect(tlsClient({ caFile }).testConnectivity()).resolves.toBeUndefined();
  });
});
