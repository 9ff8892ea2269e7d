import { randomUUID } from 'node:crypto';
import { createCywareCftrSandbox } from '../../src/sandbox/cyware-cftr/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { openApiSignature } from '../../src/sources/cyware-signing/open-api-signature.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected field by field */
interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createCywareCftrSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => control('POST', '/reset'));

async function api(method: string, path: string, options: { body?: unknown; params?: Record<string, string>; expiresIn?: number; signed?: boolean } = {}): Promise<Answer> {
  const url = new URL(sandbox.apiUrl + path);
  for (const [key, value] of Object.entries(options.params ?? {})) url.searchParams.set(key, value);
  if (options.signed !== false) {
    const expires = Math.floor(Date.now() / 1000) + (options.expiresIn ?? 20);
    url.searchParams.set('AccessID', sandbox.credentials.accessId!);
    url.searchParams.set('Expires', String(expires));
    url.searchParams.set('Signature', openApiSignature(sandbox.credentials.accessId!, sandbox.credentials.secretKey!, expires));
  }
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sandbox.origin}/__sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 400) throw new Error(`control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const incident = (fields: Record<string, unknown> = {}) => ({
  title: 'CTIX: malicious IOCs observed', description: '<p>From Intel Exchange</p>', level: 'High', status: 'Open',
  phase: 'Detection and Analysis', incident_type: 'Malware', business_unit: ['Corporate IT'], source: 'Intel Exchange',
  threat_intel: [{ value: '203.0.113.7', type: 'IP' }, { value: 'bad.example', type: 'Domain' }],
  external_id: `ctix:report:${randomUUID()}`,
  ...fields,
});

describe('authentication (the Intel Exchange signature, 60 s window)', () => {
  it('checks the connection with a valid signature, and refuses missing or stale ones', async () => {
    expect(await api('GET', '/test-connectivity/')).toMatchObject({ status: 200, body: { message: 'Connection successful' } });
    expect(await api('GET', '/test-connectivity/', { signed: false })).toMatchObject({ status: 401, body: { detail: expect.any(String) } });
    expect((await api('GET', '/v1/incident/', { signed: false })).status).toBe(401);
    expect((await api('GET', '/test-connectivity/', { expiresIn: 55 })).status).toBe(200);
    expect((await api('GET', '/test-connectivity/', { expiresIn: 70 })).status).toBe(403);
    expect(await api('GET', '/test-connectivity/', { expiresIn: -2 })).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/machine time/) } });
  });

  it('serves trailing-slash paths only', async () => {
    expect(await api('GET', '/test-connectivity')).toMatchObject({ status: 404, body: { detail: 'Not found.' } });
  });
});

describe('incident create', () => {
  it('answers 201 with the stored incident, a sequential readable id and its linked threat intel', async () => {
    const first = await api('POST', '/v1/incident/', { body: incident({ custom_priority_score: 7 }) });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      unique_id: expect.stringMatching(/^[0-9a-f-]{36}$/), readable_id: 'INC100', title: 'CTIX: malicious IOCs observed', level: 'High',
      status: 'Open', phase: 'Detection and Analysis', business_unit: ['Corporate IT'], custom_priority_score: 7,
      threat_intel: [
        { unique_id: expect.any(String), value: '203.0.113.7', type: 'IP' },
        { unique_id: expect.any(String), value: 'bad.example', type: 'Domain' },
      ],
    });
    expect(new Date(first.body.created).toISOString()).toBe(first.body.created);
    const second = await api('POST', '/v1/incident/', { body: incident({ threat_intel: undefined, iocs: [{ value: 'evil.example', type: 'Domain' }], level: undefined, severity: 'Low' }) });
    expect(second.body).toMatchObject({ readable_id: 'INC101', level: 'Low', threat_intel: [{ value: 'evil.example' }] });

    const read = await api('GET', `/v1/incident/${first.body.unique_id}/`);
    expect(read.body).toEqual(first.body);
  });

  it('validates like Django REST framework: field-keyed messages', async () => {
    const missing = await api('POST', '/v1/incident/', { body: incident({ title: undefined }) });
    expect(missing).toMatchObject({ status: 400, body: { title: ['This field is required.'] } });
    const bad = await api('POST', '/v1/incident/', { body: incident({ level: 'Severe', status: 'Pondering', threat_intel: [{ value: '1.2.3.4', type: 'IP' }, { value: 'x', type: 'Hash' }] }) });
    expect(bad).toMatchObject({
      status: 400,
      body: { level: ['"Severe" is not a valid choice.'], status: ['"Pondering" is not a valid choice.'], threat_intel: [{}, { type: ['"Hash" is not a valid choice.'] }] },
    });
    expect((await control('GET', '/incidents')).count).toBe(0);
  });

  it('refuses a second incident with the same external_id (simulator-only knob) unless switched off', async () => {
    const body = incident();
    expect((await api('POST', '/v1/incident/', { body })).status).toBe(201);
    expect(await api('POST', '/v1/incident/', { body })).toMatchObject({ status: 409, body: { external_id: [expect.any(String)] } });
    await control('PUT', '/settings', { rejectDuplicateExternalId: false });
    expect((await api('POST', '/v1/incident/', { body })).status).toBe(201);
  });

  it('links IOCs in two steps: bulk-create threat intel, then connect it', async () => {
    const created = await api('POST', '/v1/incident/', { body: incident({ threat_intel: undefined }) });
    expect(created.body.threat_intel).toEqual([]);
    const intel = await api('POST', '/v1/threat-intel/', { body: { threat_intel: [{ value: '44d88612fea8a8f36de82e1278abb02f', type: 'MD5' }] } });
    expect(intel).toMatchObject({ status: 201, body: { results: [{ unique_id: expect.any(String), type: 'MD5' }] } });
    const ids = intel.body.results.map((r: any) => r.unique_id);
    const connect = await api('POST', `/v1/incident/${created.body.unique_id}/connect/`, { body: { module: 'threat_intel', ids } });
    expect(connect.body).toMatchObject({ connected: 1 });
    expect((await api('GET', `/v1/incident/${created.body.unique_id}/`)).body.threat_intel).toEqual([{ unique_id: ids[0], value: '44d88612fea8a8f36de82e1278abb02f', type: 'MD5' }]);
    expect((await api('POST', `/v1/incident/${created.body.unique_id}/connect/`, { body: { module: 'threat_intel', ids: [randomUUID()] } })).status).toBe(400);
  });

  it('updates an incident with PATCH, and answers 404 for an unknown one', async () => {
    const created = await api('POST', '/v1/incident/', { body: incident() });
    const patched = await api('PATCH', `/v1/incident/${created.body.unique_id}/`, { body: { status: 'closed', phase: 'Recovery' } });
    expect(patched.body).toMatchObject({ status: 'Closed', phase: 'Recovery', title: created.body.title, level: 'High' });
    expect((await api('GET', `/v1/incident/${randomUUID()}/`)).status).toBe(404);
  });
});

describe('incident list', () => {
  it('pages newest first with a relative next link, filtered by created_date (epoch seconds)', async () => {
    for (let day = 1; day <= 5; day += 1) {
      await control('POST', '/incidents', { title: `Incident of day ${day}`, created: `2025-03-0${day}T08:00:00.000Z` });
    }
    const page1 = await api('GET', '/v1/incident/', { params: { page: '1', page_size: '2' } });
    expect(page1.body).toMatchObject({ count: 5, previous: null, next: 'v1/incident/?page=2&page_size=2' });
    expect(page1.body.results.map((i: any) => i.title)).toEqual(['Incident of day 5', 'Incident of day 4']);
    expect(page1.body.results[0]).not.toHaveProperty('threat_intel');

    const from = Date.parse('2025-03-02T00:00:00Z') / 1000;
    const to = Date.parse('2025-03-04T00:00:00Z') / 1000;
    const window = await api('GET', '/v1/incident/', { params: { created_date__gte: String(from), created_date__lte: String(to) } });
    expect(window.body.results.map((i: any) => i.title)).toEqual(['Incident of day 3', 'Incident of day 2']);

    expect(await api('GET', '/v1/incident/', { params: { created_date__gte: 'yesterday' } })).toMatchObject({ status: 400, body: { created_date__gte: ['Enter a number.'] } });
    expect((await api('GET', '/v1/incident/', { params: { page: '9' } })).status).toBe(404);
  });
});

describe('control routes, throttling and faults', () => {
  it('reads back incidents by external_id, and lets an analyst close one', async () => {
    const body = incident();
    const created = await api('POST', '/v1/incident/', { body });
    const readBack = await control('GET', `/incidents?external_id=${encodeURIComponent(body.external_id)}`);
    expect(readBack.incidents).toEqual([expect.objectContaining({ unique_id: created.body.unique_id, threat_intel: expect.any(Array) })]);
    const closed = await control('PATCH', `/incidents/${created.body.unique_id}`, { status: 'Closed' });
    expect(closed.status).toBe('Closed');
  });

  it('seeds incidents in bulk', async () => {
    const seeded = await control('POST', '/seed', { count: 12, iocsPerObject: 3 });
    expect(seeded.incidents).toBe(12);
    const detail = await api('GET', `/v1/incident/${seeded.incidentIds[0]}/`);
    expect(detail.body.threat_intel).toHaveLength(3);
    expect((await api('GET', '/v1/incident/', { params: { page_size: '100' } })).body.count).toBe(12);
  });

  it('throttles per credential with 429 and no rate-limit headers', async () => {
    await control('PUT', '/settings', { rateLimitPerMinute: 1 });
    expect((await api('GET', '/test-connectivity/')).status).toBe(200);
    const throttled = await api('GET', '/test-connectivity/');
    expect(throttled).toMatchObject({ status: 429, body: { detail: expect.stringMatching(/throttled/) } });
    expect(throttled.headers.get('retry-after')).toBeNull();
  });

  it('injects errors in the DRF shape', async () => {
    await control('PUT', '/faults', { next: [{ status: 502 }] });
    expect(await api('GET', '/test-connectivity/')).toMatchObject({ status: 502, body: { detail: expect.any(String) } });
  });
});
