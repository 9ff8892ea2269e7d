import { TicketEntity } from '../../src/store/entities/index.js';
import { toGlobalId } from '../../src/domain/global-id.js';
import { SECUREWORKS_CTP } from '../../src/sources/secureworks-ctp/vendor-id.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let sourceId: string;

beforeAll(async () => {
  hub = await startTestHub();
  await hub.services.sources.register([{
    name: 'ctp-test', vendor: SECUREWORKS_CTP, baseUrl: 'http://127.0.0.1:1/api', enabled: true, sandbox: true, tlsVerify: true,
    pollIntervalSeconds: 0, timeoutMs: 1000, credentials: { password: 'hunter2-secret' }, settings: {},
  }]);
  const source = hub.services.sources.get('ctp-test')!.entity;
  sourceId = source.id;
  const now = Date.parse('2026-11-01T00:00:00Z');
  await hub.services.dataSource.getRepository(TicketEntity).save(Array.from({ length: 25 }, (_, i) => ({
    sourceId: source.id, externalId: `IN${1000 + i}`, url: null, title: i % 5 === 0 ? `Phishing report ${i}` : `Malware alert ${i}`,
    description: null, status: i % 2 === 0 ? 'OPEN' as const : 'CLOSED' as const, vendorStatus: i % 2 === 0 ? 'New' : 'Closed',
    priority: 'HIGH' as const, ticketType: 'INCIDENT', groupingType: 'SECURITY', closeCode: null, closeCodes: null, version: 'v1',
    fields: { n: i }, createdAt: new Date(now + i * 1000), updatedAt: new Date(now + i * 60_000), closedAt: null,
  })));
});

afterAll(async () => {
  await hub?.close();
});

describe('authentication and roles', () => {
  it('refuses a request without a token with UNAUTHENTICATED and HTTP 401', async () => {
    const { status, body } = await hub.graphql('{ sources { name } }', undefined, null);
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  });

  it('refuses an unknown token the same way', async () => {
    const { status, body } = await hub.graphql('{ sources { name } }', undefined, 'sgt_not-a-real-token');
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets a VIEWER query but not mutate (FORBIDDEN, HTTP 403)', async () => {
    const viewer = await hub.query('{ viewer { name role } }', undefined, hub.tokens.VIEWER);
    expect(viewer.viewer).toEqual({ name: 'test-viewer', role: 'VIEWER' });
    const { status, body } = await hub.graphql('mutation { runJob(name: "event-retention") { state } }', undefined, hub.tokens.VIEWER);
    expect(status).toBe(403);
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps token administration to ADMIN, and a created token works once shown', async () => {
    const denied = await hub.graphql('mutation { createApiToken(name: "x", role: VIEWER) { token } }', undefined, hub.tokens.OPERATOR);
    expect(denied.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const created = await hub.query<{ createApiToken: { token: string; apiToken: { id: string; role: string } } }>(
      'mutation { createApiToken(name: "dashboard", role: VIEWER) { token apiToken { id role } } }');
    expect(created.createApiToken.token).toMatch(/^sgt_/);
    const me = await hub.query('{ viewer { name } }', undefined, created.createApiToken.token);
    expect(me.viewer.name).toBe('dashboard');
    const listed = await hub.query('{ apiTokens { name prefix } }');
    expect(JSON.stringify(listed)).not.toContain(created.createApiToken.token);
    await hub.query('mutation($id: ID!) { revokeApiToken(id: $id) }', { id: created.createApiToken.apiToken.id });
    const after = await hub.graphql('{ viewer { name } }', undefined, created.createApiToken.token);
    expect(after.status).toBe(401);
  });
});

describe('the graph', () => {
  it('lists sources with health and never a secret', async () => {
    const data = await hub.query('{ sources { id vendor name baseUrl enabled sandbox health { status consecutiveFailures } } }');
    expect(data.sources).toContainEqual(expect.objectContaining({ name: 'ctp-test', vendor: 'SECUREWORKS_CTP', health: { status: 'UNKNOWN', consecutiveFailures: 0 } }));
    expect(JSON.stringify(data)).not.toContain('hunter2-secret');
  });

  it('pages tickets with cursors, newest update first, with totalCount and filters', async () => {
    const first = await hub.query(`{ tickets(first: 10, filter: { statuses: [OPEN] }) { totalCount pageInfo { hasNextPage endCursor } nodes { externalId status } } }`);
    expect(first.tickets.totalCount).toBe(13);
    expect(first.tickets.nodes).toHaveLength(10);
    expect(first.tickets.nodes[0].externalId).toBe('IN1024');
    expect(first.tickets.pageInfo.hasNextPage).toBe(true);
    const second = await hub.query(`query($after: String) { tickets(first: 10, after: $after, filter: { statuses: [OPEN] }) { pageInfo { hasNextPage } nodes { externalId } } }`,
      { after: first.tickets.pageInfo.endCursor });
    expect(second.tickets.nodes.map((n: { externalId: string }) => n.externalId)).toEqual(['IN1004', 'IN1002', 'IN1000']);
    expect(second.tickets.pageInfo.hasNextPage).toBe(false);
    const search = await hub.query(`{ tickets(filter: { search: "phish", vendor: SECUREWORKS_CTP }) { totalCount } }`);
    expect(search.tickets.totalCount).toBe(5);
  });

  it('fetches any object by global id with node() and nodes()', async () => {
    const page = await hub.query('{ tickets(first: 2) { nodes { id externalId source { id name } } } }');
    const [a, b] = page.tickets.nodes;
    const data = await hub.query(`query($ids: [ID!]!, $id: ID!) { node(id: $id) { id ... on Ticket { externalId } } nodes(ids: $ids) { id ... on Source { name } } }`,
      { id: a.id, ids: [b.source.id, toGlobalId('Ticket', '00000000-0000-4000-8000-000000000000')] });
    expect(data.node).toEqual({ id: a.id, externalId: a.externalId });
    expect(data.nodes).toEqual([{ id: toGlobalId('Source', sourceId), name: 'ctp-test' }, null]);
  });

  it('answers bad input with BAD_USER_INPUT and no stack trace', async () => {
    const { body } = await hub.graphql('{ node(id: "garbage") { id } tickets(first: 5000) { totalCount } }');
    const codes = body.errors?.map((e) => e.extensions?.code);
    expect(codes).toContain('BAD_USER_INPUT');
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.js:\d+/);
    const cursor = await hub.graphql('{ tickets(after: "not-a-cursor") { totalCount } }');
    expect(cursor.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('limits', () => {
  it('rejects queries deeper than the limit', async () => {
    const deep = `{ tickets { nodes { ${'incidents { tickets { '.repeat(8)} id ${'} } '.repeat(8)} } } }`;
    const { status, body } = await hub.graphql(deep);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/depth/i);
    expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rejects too many aliases before validation (TOO_MANY_ALIASES, as the other document limits)', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: sources { name }`).join(' ');
    const { body } = await hub.graphql(`{ ${aliases} }`);
    expect(body.errors?.[0].message).toMatch(/alias/i);
    expect(body.errors?.[0].extensions?.code).toBe('TOO_MANY_ALIASES');
  });

  it('rejects a query over the cost limit, even within the depth and alias limits', async () => {
    const wide = 'id title description status priority vendorStatus externalId url createdAt updatedAt';
    const nested = `nodes { ${wide} incidents { id title tickets { ${wide} incidents { id title tickets { ${wide} } } } } }`;
    const aliases = Array.from({ length: 20 }, (_, i) => `t${i}: tickets(first: 100) { totalCount ${nested} }`).join(' ');
    const { status, body } = await hub.graphql(`{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/cost/i);
    expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // A dashboard's query of the same shape, one level less deep, is within it.
    const one = await hub.graphql(`{ tickets(first: 100) { totalCount nodes { ${wide} incidents { id title tickets { ${wide} } } } } }`);
    expect(one.body.errors).toBeUndefined();
  });

  it('rejects a body over the size limit with 413', async () => {
    const response = await fetch(hub.http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.tokens.ADMIN}` },
      body: JSON.stringify({ query: `{ sources { name } }`, variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(response.status).toBe(413);
    const body = await response.json() as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('operations endpoints', () => {
  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    const origin = new URL(hub.http.url).origin;
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true, jobs: true } });
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toContain('socgraph_graphql_requests_total');
    expect(metrics).toContain('socgraph_resolver_errors_total');
    for (const name of ['socgraph_vendor_calls_total', 'socgraph_vendor_call_seconds', 'socgraph_job_runs_total',
      'socgraph_sync_events_published_total', 'socgraph_sync_events_delivered_total', 'socgraph_active_subscriptions']) {
      expect(metrics).toContain(`# TYPE ${name} `);
    }
  });
});
