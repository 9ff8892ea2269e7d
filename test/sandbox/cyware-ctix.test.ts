import { randomUUID } from 'node:crypto';
import { createCywareCtixSandbox } from '../../src/sandbox/cyware-ctix/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { openApiSignature } from '../../src/sources/cyware-signing/open-api-signature.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected field by field */
interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

interface Auth {
  accessId?: string;
  secretKey?: string;
  /** Expires relative to now, in seconds (default +20). */
  expiresIn?: number;
}

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createCywareCtixSandbox());
});
afterAll(() => sandbox.close());
beforeEach(() => control('POST', '/reset'));

function signedUrl(path: string, params: Record<string, string> = {}, auth: Auth | null = {}): URL {
  const url = new URL(sandbox.apiUrl + path);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  if (auth) {
    const accessId = auth.accessId ?? sandbox.credentials.accessId!;
    const expires = Math.floor(Date.now() / 1000) + (auth.expiresIn ?? 20);
    url.searchParams.set('AccessID', accessId);
    url.searchParams.set('Expires', String(expires));
    url.searchParams.set('Signature', openApiSignature(accessId, auth.secretKey ?? sandbox.credentials.secretKey!, expires));
  }
  return url;
}

async function api(method: string, path: string, options: { body?: unknown; params?: Record<string, string>; auth?: Auth | null } = {}): Promise<Answer> {
  const res = await fetch(signedUrl(path, options.params, options.auth === undefined ? {} : options.auth), {
    method,
    headers: { 'content-type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** Follows a relative `next` link the way a client must: against the API root, re-signed. */
async function follow(next: string, body?: unknown): Promise<Answer> {
  const link = new URL(next, sandbox.apiUrl + '/');
  return api(body === undefined ? 'GET' : 'POST', link.pathname.slice('/ctixapi'.length), {
    params: Object.fromEntries(link.searchParams), body,
  });
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

async function seed(objects: unknown[]): Promise<any[]> {
  return (await control('POST', '/threat-data', { objects })).objects;
}

const search = (query: string, params: Record<string, string> = {}) =>
  api('POST', '/ingestion/threat-data/list/', { body: { query }, params });

describe('authentication (AccessID / Expires / Signature on every route)', () => {
  it('accepts a valid signature', async () => {
    expect(await api('GET', '/ping/')).toMatchObject({ status: 200, body: { result: 'pong' } });
  });

  it('answers 401 for missing parameters, an unknown AccessID or a signature made with another secret', async () => {
    expect(await api('GET', '/ping/', { auth: null })).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
    expect((await api('GET', '/ping/', { auth: { accessId: randomUUID() } })).status).toBe(401);
    expect((await api('GET', '/ping/', { auth: { secretKey: 'not-the-secret' } })).status).toBe(401);
    // Auth comes before everything, even an unknown route or a search.
    expect((await api('GET', '/nowhere/', { auth: null })).status).toBe(401);
    expect((await api('POST', '/ingestion/threat-data/list/', { auth: null, body: { query: 'type = "indicator"' } })).status).toBe(401);
  });

  it('answers 403 for an expired Expires and for one more than 30 s ahead (clock skew)', async () => {
    const expired = await api('GET', '/ping/', { auth: { expiresIn: -5 } });
    expect(expired).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/machine time/) } });
    expect((await api('GET', '/ping/', { auth: { expiresIn: 60 } })).status).toBe(403);
    expect((await api('GET', '/ping/', { auth: { expiresIn: 28 } })).status).toBe(200);
  });

  it('rejects an unencoded + in the signature (it decodes to a space)', async () => {
    // Find an Expires whose signature contains '+', then send it raw.
    let expires = Math.floor(Date.now() / 1000) + 10;
    let signature = openApiSignature(sandbox.credentials.accessId!, sandbox.credentials.secretKey!, expires);
    while (!signature.includes('+')) signature = openApiSignature(sandbox.credentials.accessId!, sandbox.credentials.secretKey!, ++expires);
    const raw = `${sandbox.apiUrl}/ping/?AccessID=${sandbox.credentials.accessId}&Expires=${expires}&Signature=${signature}`;
    expect((await fetch(raw)).status).toBe(401);
    expect((await fetch(raw.replace(signature, encodeURIComponent(signature)))).status).toBe(200);
  });
});

describe('paths', () => {
  it('serves trailing-slash paths only: without it, 404 (no redirect)', async () => {
    const res = await api('GET', '/ping');
    expect(res).toMatchObject({ status: 404, body: { detail: 'Not found.' } });
  });
});

describe('threat data list (CQL search, envelope with relative next)', () => {
  it('pages with relative next/previous links that carry no auth parameters', async () => {
    await seed(Array.from({ length: 25 }, (_, i) => ({ type: 'malware', name: `Family ${i}`, ctix_created: 1_700_000_000 + i })));
    const first = await search('type = "malware"', { page: '1', page_size: '10' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 25, page_size: 10, previous: null });
    expect(first.body.results.map((o: any) => o.name).slice(0, 2)).toEqual(['Family 24', 'Family 23']); // -ctix_created by default
    expect(first.body.next).toMatch(/^ingestion\/threat-data\/list\/\?/);
    expect(first.body.next).not.toMatch(/AccessID|Signature|Expires/);

    const second = await follow(first.body.next, { query: 'type = "malware"' });
    expect(second.body.results).toHaveLength(10);
    expect(second.body.previous).toMatch(/page=1/);
    const third = await follow(second.body.next, { query: 'type = "malware"' });
    expect(third.body.results).toHaveLength(5);
    expect(third.body.next).toBeNull();

    expect(await search('type = "malware"', { page: '4', page_size: '10' })).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
    const ascending = await search('type = "malware"', { sort: 'ctix_created', page_size: '1' });
    expect(ascending.body.results[0].name).toBe('Family 0');
  });

  it('answers the §4.1 item shape', async () => {
    await seed([{ type: 'indicator', ioc_type: 'domain-name', name: 'carroll.com', tlp: 'AMBER', confidence_score: 50, tags: ['international'] }]);
    const { body } = await search('type = "indicator"');
    expect(body.results[0]).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'indicator', sub_type: 'value', ioc_type: 'domain-name', name: 'carroll.com',
      confidence_score: 50, tlp: 'AMBER', ctix_created: expect.any(Number), is_deprecated: false,
      sources: [expect.objectContaining({ id: expect.any(String), name: expect.any(String), source_type: expect.any(String) })],
      tags: [expect.objectContaining({ name: 'international', colour_code: expect.any(String) })],
    });
  });

  describe('CQL subset', () => {
    beforeEach(() => seed([
      { type: 'indicator', ioc_type: 'ipv4-addr', name: '203.0.113.7', tlp: 'RED', confidence_score: 85, ctix_modified: 1_750_000_000 },
      { type: 'indicator', ioc_type: 'ipv4-addr', name: '198.51.100.4', tlp: 'GREEN', confidence_score: 20, ctix_modified: 1_740_000_000 },
      { type: 'indicator', ioc_type: 'domain-name', name: 'evil-login.example', tlp: 'GREEN', confidence_score: 60, ctix_modified: 1_750_000_000 },
      { type: 'indicator', ioc_type: 'SHA-256', name: 'a'.repeat(64), tlp: 'AMBER', confidence_score: 90, tags: ['apt'], ctix_modified: 1_700_000_000 },
      { type: 'malware', name: 'Evil Loader', tlp: 'AMBER', confidence_score: 70, ctix_modified: 1_750_000_000 },
    ]));
    const names = async (query: string) => (await search(query)).body.results.map((o: any) => o.name).sort();

    it('filters with =, IN (single quotes, bare words), comparisons, CONTAINS and tags', async () => {
      expect(await names('type = "indicator" AND ioc_type = "ipv4-addr"')).toEqual(['198.51.100.4', '203.0.113.7']);
      expect(await names("type=indicator AND ioc_type IN ('ipv4-addr','ipv6-addr') AND value IN ('203.0.113.7')")).toEqual(['203.0.113.7']);
      expect(await names('confidence_score >= "85"')).toEqual(['203.0.113.7', 'a'.repeat(64)]);
      expect(await names('value CONTAINS "evil"')).toEqual(['Evil Loader', 'evil-login.example']);
      expect(await names('ctix_modified >= "1745000000" AND type != "malware"')).toEqual(['203.0.113.7', 'evil-login.example']);
      expect(await names('tag = "apt"')).toEqual(['a'.repeat(64)]);
      expect(await names('ioc_type = "SHA-256"')).toEqual(['a'.repeat(64)]);
      expect(await names('tlp NOT IN ("GREEN","AMBER")')).toEqual(['203.0.113.7']);
    });

    it('evaluates AND/OR left to right, without precedence', async () => {
      // (domain OR ipv4) AND RED — with AND-first precedence the GREEN domain would match too.
      expect(await names('ioc_type = "domain-name" OR ioc_type = "ipv4-addr" AND tlp = "RED"')).toEqual(['203.0.113.7']);
    });

    it('answers 400 with a field-keyed error for a bad query', async () => {
      const grouped = await search('(type = "indicator" OR type = "malware") AND tlp = "RED"');
      expect(grouped).toMatchObject({ status: 400, body: { status_code: 400, errors: { query: { message: expect.stringMatching(/parentheses/) } } } });
      expect((await search('colour = "red"')).body.errors.query.message).toMatch(/unsupported field/);
      expect((await search('value > "3"')).status).toBe(400);
      expect((await api('POST', '/ingestion/threat-data/list/', { body: {} })).body.errors.query.message).toBe('This field is required.');
    });
  });
});

describe('object detail and relations', () => {
  it('answers the basic detail without an id, and related objects through relations/', async () => {
    const [malware] = await seed([{
      type: 'malware', name: 'Piccoload', indicators: [
        { ioc_type: 'ipv4-addr', value: '8.8.4.4' }, { ioc_type: 'url', value: 'http://bad.example/x' },
      ],
    }]);
    const detail = await api('GET', `/ingestion/threat-data/malware/${malware.id}/basic/`);
    expect(detail.status).toBe(200);
    expect(detail.body).not.toHaveProperty('id');
    expect(detail.body).toMatchObject({ type: 'malware', name: 'Piccoload', ctix_score: expect.any(Number) });

    const relations = await api('GET', `/ingestion/threat-data/malware/${malware.id}/relations/`, { params: { page_size: '1' } });
    expect(relations.body).toMatchObject({ total: 2, next: `ingestion/threat-data/malware/${malware.id}/relations/?page=2&page_size=1` });
    expect(relations.body.results[0]).toMatchObject({ type: 'indicator', relationship_type: 'indicates' });

    const indicatorId = malware.related_ids[0];
    const indicator = await api('GET', `/ingestion/threat-data/indicator/${indicatorId}/basic/`);
    expect(indicator.body).toMatchObject({ sub_type: 'ipv4-addr', attribute_value: '8.8.4.4' });

    expect((await api('GET', `/ingestion/threat-data/indicator/${malware.id}/basic/`)).status).toBe(404);
    expect((await api('GET', `/ingestion/threat-data/malware/${randomUUID()}/relations/`)).status).toBe(404);
  });
});

describe('threat investigations (canvases)', () => {
  it('lists canvases, answers one, and pages its nodes', async () => {
    const objects = await seed([
      { type: 'indicator', ioc_type: 'ipv4-addr', name: '54.198.171.238' },
      { type: 'threat-actor', name: 'APT29' },
    ]);
    const canvas = await control('POST', '/investigations', { name: 'Phishing wave', objectIds: objects.map((o) => o.id) });
    await control('POST', '/investigations', { name: 'Unrelated', shared_type: 'shared' });

    const list = await api('GET', '/ingestion/canvas/', { params: { q: 'phish' } });
    expect(list.body).toMatchObject({ total: 1, results: [{ id: canvas.id, name: 'Phishing wave', shared_type: 'private' }] });
    expect((await api('GET', '/ingestion/canvas/', { params: { shared_type: 'shared' } })).body.results.map((c: any) => c.name)).toEqual(['Unrelated']);

    expect((await api('GET', `/ingestion/canvas/${canvas.id}/`)).body).toMatchObject({ id: canvas.id, name: 'Phishing wave', created_by: { email: expect.any(String) } });

    const nodes = await api('GET', `/ingestion/canvas/nodes/${canvas.id}/`, { params: { page_size: '1' } });
    expect(nodes.body).toMatchObject({ total: 2, next: expect.stringMatching(/^ingestion\/canvas\/nodes\//) });
    expect(nodes.body.results[0]).toMatchObject({
      id: expect.stringMatching(/^indicator--/), t: '54.198.171.238', type: 'node',
      prop: { id: objects[0].id, parent_type: 'indicator', label: 'IP', identifier: 'ctix', ioc_type: 'ipv4-addr' },
    });
    expect((await api('GET', `/ingestion/canvas/${randomUUID()}/`)).status).toBe(404);
  });
});

describe('threat bulletins', () => {
  it('lists and answers bulletins whose report relates their objects', async () => {
    const objects = await seed([{ type: 'indicator', ioc_type: 'domain-name', name: 'bad.example' }, { type: 'malware', name: 'Graphite' }]);
    const bulletin = await control('POST', '/bulletins', { title: 'Weekly APT brief', tlp: 'AMBER', objectIds: objects.map((o) => o.id) });

    const list = await api('GET', '/conversion/threat-bulletin/', { params: { q: 'weekly' } });
    expect(list.body.results).toEqual([expect.objectContaining({ id: bulletin.id, title: 'Weekly APT brief', status: 'CREATED', report_id: bulletin.report_id })]);
    const detail = await api('GET', `/conversion/threat-bulletin/${bulletin.id}/`);
    expect(detail.body).toMatchObject({ description: '', attachments: [] });

    const relations = await api('GET', `/ingestion/threat-data/report/${bulletin.report_id}/relations/`);
    expect(relations.body.results.map((o: any) => o.name).sort()).toEqual(['Graphite', 'bad.example']);
  });

  it('answers a bulletin whose detail lists its objects inline (full items or id and type), without a report', async () => {
    const objects = await seed([{ type: 'indicator', ioc_type: 'ipv4-addr', name: '198.51.100.70' }]);
    for (const inline of ['items', 'refs']) {
      const bulletin = await control('POST', '/bulletins', { title: `Inline ${inline}`, objectIds: [objects[0].id], inline });
      expect(bulletin.report_id).toBeNull();
      const detail = (await api('GET', `/conversion/threat-bulletin/${bulletin.id}/`)).body;
      expect(detail.objects).toEqual([inline === 'items'
        ? expect.objectContaining({ id: objects[0].id, type: 'indicator', name: '198.51.100.70' })
        : { id: objects[0].id, type: 'indicator' }]);
      const listed = (await api('GET', '/conversion/threat-bulletin/', { params: { q: `inline ${inline}` } })).body.results[0];
      expect(listed).not.toHaveProperty('objects');
    }
  });

  it('creates a bulletin with the documented create answer (name, ISO datetimes, JSON-string tags)', async () => {
    const created = await api('POST', '/conversion/threat-bulletin/', { body: { title: 'Draft brief', description: '<p>x</p>' } });
    expect(created).toMatchObject({ status: 201, body: { id: expect.any(String), name: 'Draft brief', status: 'DRAFT', tags: '[]' } });
    expect(created.body.created).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await api('GET', `/conversion/threat-bulletin/${created.body.id}/`)).body.title).toBe('Draft brief');
    expect((await api('POST', '/conversion/threat-bulletin/', { body: { description: 'no title' } })).body.errors).toHaveProperty('title');
  });
});

describe('asynchronous intel creation', () => {
  beforeEach(() => control('PUT', '/settings', { taskDelayMs: 150 }));

  it('Quick Add Intel answers a task id; the report is IN_PROGRESS, then CREATED with its objects searchable', async () => {
    const accepted = await api('POST', '/conversion/quick-intel/create-stix/', {
      body: {
        context: 'QUICK_ADD_INTEL_FLOW', title: 'Phishing sender 2024-05-01', indicators: { 'ipv4-addr': '203.0.113.9' },
        metadata: { tlp: 'AMBER', confidence: 80, tags: ['soar'] }, create_intel_feed: true,
      },
    });
    expect(accepted).toMatchObject({ status: 200, body: { details: expect.any(String), task_id: expect.any(String) } });
    const report = () => api('GET', '/conversion/quick-intel/receive-report/', { params: { task_id: accepted.body.task_id } });
    expect((await report()).body).toEqual({ report_id: null, report_status: 'IN_PROGRESS' });
    expect((await search('value = "203.0.113.9"')).body.total).toBe(0);

    await new Promise((r) => setTimeout(r, 200));
    const done = (await report()).body;
    expect(done).toEqual({ report_id: expect.any(String), report_status: 'CREATED' });
    const found = await search('value = "203.0.113.9"');
    expect(found.body.results[0]).toMatchObject({ ioc_type: 'ipv4-addr', confidence_score: 80, tags: [expect.objectContaining({ name: 'soar' })] });
    const related = await api('GET', `/ingestion/threat-data/report/${done.report_id}/relations/`);
    expect(related.body.results.map((o: any) => o.name)).toEqual(['203.0.113.9']);

    expect((await api('GET', '/conversion/quick-intel/receive-report/', { params: { task_id: randomUUID() } })).status).toBe(404);
  });

  it('Quick Add Intel takes SDOs (`sdos`) with or without indicators and relates them to the report; nothing at all is a 400', async () => {
    const accepted = await api('POST', '/conversion/quick-intel/create-stix/', {
      body: { context: 'QUICK_ADD_INTEL_FLOW', title: 'Emotet wave', sdos: { malware: 'Emotet', vulnerability: 'CVE-2024-0001' }, metadata: { tlp: 'GREEN' } },
    });
    expect(accepted).toMatchObject({ status: 200, body: { task_id: expect.any(String) } });
    await new Promise((r) => setTimeout(r, 200));
    const done = (await api('GET', '/conversion/quick-intel/receive-report/', { params: { task_id: accepted.body.task_id } })).body;
    expect(done.report_status).toBe('CREATED');
    const related = await api('GET', `/ingestion/threat-data/report/${done.report_id}/relations/`);
    expect(related.body.results.map((o: any) => `${o.type}:${o.name}`).sort()).toEqual(['malware:Emotet', 'vulnerability:CVE-2024-0001']);

    const empty = await api('POST', '/conversion/quick-intel/create-stix/', { body: { title: 'nothing', metadata: { tlp: 'GREEN' } } });
    expect(empty).toMatchObject({ status: 400, body: { errors: { indicators: expect.any(Object) } } });
  });

  it('Create Intel via Open API answers 201 with a task id and refuses unknown IOC keys', async () => {
    const accepted = await api('POST', '/conversion/quick-intel/open-api/', {
      body: { title: 'new intel', metadata: { tlp: 'RED', confidence: 80 }, all_sdos: { all_iocs: { ipv4: [{ value: '1.2.34.21' }], domain: [{ value: 'abc.com' }] } } },
    });
    expect(accepted).toMatchObject({ status: 201, body: { details: 'Intel creation is in progress.', task_id: expect.any(String) } });
    const refused = await api('POST', '/conversion/quick-intel/open-api/', { body: { title: 't', all_sdos: { all_iocs: { ipv5: [{ value: 'x' }] } } } });
    expect(refused).toMatchObject({ status: 400, body: { errors: { 'all_sdos.all_iocs.ipv5': expect.any(Object) } } });
    await new Promise((r) => setTimeout(r, 200));
    expect((await search('tlp = "RED" AND type = "indicator"')).body.results.map((o: any) => o.name).sort()).toEqual(['1.2.34.21', 'abc.com']);
  });
});

describe('ingest_bundle', () => {
  const bundle = () => {
    const indicator = `indicator--${randomUUID()}`;
    const malware = `malware--${randomUUID()}`;
    return {
      type: 'bundle', id: `bundle--${randomUUID()}`,
      objects: [
        { type: 'indicator', spec_version: '2.1', id: indicator, created: '2024-09-30T10:42:06.935Z', modified: '2024-09-30T10:42:06.935Z',
          name: '205.165.206.118', pattern: "[ipv4-addr:value = '205.165.206.118']", pattern_type: 'stix', pattern_version: '2.1',
          valid_from: '2024-09-30T10:42:06.935Z', object_marking_refs: ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed'] },
        { type: 'malware', spec_version: '2.1', id: malware, created: '2024-09-30T10:42:06.935Z', modified: '2024-09-30T10:42:06.935Z', name: 'Qakbot', is_family: true },
        { type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: '2024-09-30T10:42:06.935Z',
          modified: '2024-09-30T10:42:06.935Z', relationship_type: 'indicates', source_ref: indicator, target_ref: malware },
      ],
    };
  };

  it('accepts a bundle into the given source, then ingests its objects and relationships', async () => {
    await control('PUT', '/settings', { taskDelayMs: 0 });
    const { source, collection } = await control('POST', '/sources', { name: 'SOCGraph', collection: 'SOCGraph Published' });
    const sent = bundle();
    const res = await api('POST', '/ingestion/ingestion-api/ingest_bundle/', {
      body: { source_id: source.id, source_type: 'CUSTOM_STIX_SOURCES', collection_id: collection.id, bundle: sent },
    });
    expect(res).toMatchObject({ status: 200, body: { success: true, message: 'Successfully sent bundle to ingestion.' } });

    const found = await search('value = "205.165.206.118"');
    expect(found.body.results[0]).toMatchObject({ type: 'indicator', ioc_type: 'ipv4-addr', tlp: 'RED', sources: [expect.objectContaining({ name: 'SOCGraph' })] });
    const relations = await api('GET', `/ingestion/threat-data/indicator/${found.body.results[0].id}/relations/`);
    expect(relations.body.results).toEqual([expect.objectContaining({ name: 'Qakbot', type: 'malware', relationship_type: 'indicates' })]);

    const readBack = await control('GET', '/bundles');
    expect(readBack.bundles[0]).toMatchObject({ processed: true, source: { name: 'SOCGraph' }, collection: { name: 'SOCGraph Published' }, bundle: { id: sent.id } });
  });

  it('lands a bundle with an unknown source in Import / STIX2, and refuses a malformed bundle', async () => {
    const res = await api('POST', '/ingestion/ingestion-api/ingest_bundle/', { body: { source_id: randomUUID(), source_type: 'CUSTOM_STIX_SOURCES', bundle: bundle() } });
    expect(res.body.success).toBe(true);
    expect((await control('GET', '/bundles')).bundles[0]).toMatchObject({ source: { name: 'Import' }, collection: { name: 'STIX2' } });

    const malformed = await api('POST', '/ingestion/ingestion-api/ingest_bundle/', { body: { bundle: { type: 'bundle', id: 'bundle--x', objects: [] } } });
    expect(malformed).toMatchObject({ status: 400, body: { success: false, message: expect.stringMatching(/bundle\.id/) } });
  });
});

describe('rate limits and faults', () => {
  it('answers 429 without rate-limit headers once the per-credential budget is spent', async () => {
    await control('PUT', '/settings', { rateLimitPerMinute: 2 });
    expect((await api('GET', '/ping/')).status).toBe(200);
    expect((await api('GET', '/ping/')).status).toBe(200);
    const throttled = await api('GET', '/ping/');
    expect(throttled).toMatchObject({ status: 429, body: { message: expect.stringMatching(/throttled/), status_code: 429 } });
    expect(throttled.headers.get('retry-after')).toBeNull();
  });

  it('injects 429s in the vendor shape (no Retry-After)', async () => {
    await control('PUT', '/faults', { next: [{ status: 429, retryAfterSeconds: 3 }] });
    const res = await api('GET', '/ping/');
    expect(res).toMatchObject({ status: 429, body: { message: 'Request was throttled. Expected available in 3 seconds.', status_code: 429 } });
    expect(res.headers.get('retry-after')).toBeNull();
  });
});

describe('bulk seed for benches', () => {
  it('creates count objects, each related to iocsPerObject fresh IOCs of mixed types', async () => {
    const seeded = await control('POST', '/seed', { count: 20, iocsPerObject: 3 });
    expect(seeded).toMatchObject({ objects: 20, indicators: 60 });
    const all = await search('type = "indicator"', { page_size: '100' });
    expect(all.body.total).toBe(60);
    expect(new Set(all.body.results.map((o: any) => o.ioc_type)).size).toBeGreaterThanOrEqual(5);
    const first = seeded.objectIds[0];
    const relations = await api('GET', `/ingestion/threat-data/${first.type}/${first.id}/relations/`);
    expect(relations.body.total).toBe(3);
  });
});
