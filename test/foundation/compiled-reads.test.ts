import { execute, parse } from 'graphql';
import { hubQuery } from '../../bench/read/shapes.js';
import { createContext } from '../../src/resolvers/context.js';
import { buildGraphSchema } from '../../src/server/graph-schema.js';
import { seedDashboardRows } from '../support/dashboard-rows.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/*
 * The compiled read path (src/reads): a query made only of fields it compiles is answered by one SQL statement per root
 * field, and its answer is byte-for-byte the resolver path's (ids, enums, timestamps, JSON, order, nulls, aliases,
 * fragments, cursors); anything else takes the resolver path and answers as before.
 */
let hub: TestHub;
let tokenCheck: number;

beforeAll(async () => {
  hub = await startTestHub();
  await seedDashboardRows(hub);
  tokenCheck = await statementsOf('{ __typename }');
});

afterAll(async () => {
  await hub?.close();
});

async function statementsCounted(): Promise<number> {
  const text = await (await fetch(hub.http.url.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^socgraph_db_statements_total (\d+)/m.exec(text)![1]);
}

/** Statements one request sends, the fewest over three tries (anything else the hub does in between only adds). */
async function statementsOf(query: string, variables?: Record<string, unknown>): Promise<number> {
  let fewest = Infinity;
  for (let i = 0; i < 3; i++) {
    const before = await statementsCounted();
    await hub.graphql(query, variables, hub.tokens.VIEWER);
    fewest = Math.min(fewest, await statementsCounted() - before);
  }
  return fewest;
}

/** The resolver path's answer: the same schema and context, executed field by field in-process. */
async function resolverAnswer(query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const principal = { tokenId: 'test', name: 'test-viewer', role: 'VIEWER' as const };
  const result = await execute({
    schema: await buildGraphSchema(), document: parse(query), variableValues: variables, contextValue: createContext(hub.services, principal),
  });
  expect(result.errors).toBeUndefined();
  return JSON.parse(JSON.stringify(result.data));
}

async function httpAnswer(query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const { status, body } = await hub.graphql(query, variables, hub.tokens.VIEWER);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data;
}

const ALL_INCIDENT = 'id externalId url title description status severity phase resolution resolutionSummary customFields createdAt updatedAt closedAt';
const ALL_TICKET = `id externalId url title description status vendorStatus priority ticketType groupingType closeCode closeCodes createdAt
  updatedAt closedAt fields`;
const ALL_SOURCE = 'id name vendor baseUrl enabled sandbox pollIntervalSeconds __typename';
const ALL_ENRICHMENT = 'id provider source verdict score summary details link notFound fetchedAt expiresAt';

const COMPILED: Array<[string, string, Record<string, unknown>]> = [
  ['Dash', hubQuery('Dash', 12), {}],
  ['Tix', hubQuery('Tix', 24), {}],
  ['every compiled field, aliases, __typename', `{ __typename a: incidents(first: 5) { __typename nodes { __typename ${ALL_INCIDENT} src: source { ${ALL_SOURCE} }
    tickets { ${ALL_TICKET} source { name } indicators { id value enrichments { ${ALL_ENRICHMENT} indicator { id value } } } }
    notes(first: 1) { totalCount nodes { id body } __typename } attachments { id size createdAt } } }
    b: tickets(first: 3) { nodes { title worklogs(first: 2) { totalCount nodes { body createdAt } } incidents { title } } } }`, {}],
  ['fragments and merged selections', `query { incidents(first: 4) { nodes { ...Head tickets { id } tickets { title ... on Ticket { priority } } ... on Node { id } } } }
    fragment Head on Incident { title externalId id }`, {}],
  ['edges, cursors and pageInfo, then the next page', `query($after: String) { incidents(first: 5, after: $after) { edges { cursor node { id title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, { after: null }],
  ['filters through variables', `query($f: TicketFilter, $n: Int) { tickets(filter: $f, first: $n) { nodes { externalId status priority } pageInfo { hasNextPage } } }`,
    { f: { statuses: ['OPEN'], search: 'Ticket 1', priorities: ['HIGH'] }, n: 4 }],
  ['an empty page', '{ incidents(first: 0) { nodes { id } pageInfo { hasNextPage startCursor endCursor } } }', {}],
  ['nothing matches', '{ incidents(filter: { externalId: "nope" }) { nodes { id tickets { id } } } }', {}],
];

describe('compiled reads', () => {
  it.each(COMPILED)('answer %s exactly as the resolvers do, one statement per root page', async (_name, query, variables) => {
    expect(await httpAnswer(query, variables)).toEqual(await resolverAnswer(query, variables));
    const rootPages = [...parse(query).definitions].flatMap((d) => ('selectionSet' in d && d.kind === 'OperationDefinition' ? d.selectionSet.selections : []))
      .filter((s) => s.kind === 'Field' && s.name.value !== '__typename').length;
    expect(await statementsOf(query, variables)).toBe(tokenCheck + rootPages);
  });

  it('page on with the cursor a compiled page gave', async () => {
    const query = COMPILED[4]![1];
    const page1 = await httpAnswer(query, { after: null }) as { incidents: { pageInfo: { endCursor: string; hasNextPage: boolean } } };
    expect(page1.incidents.pageInfo.hasNextPage).toBe(true);
    const variables = { after: page1.incidents.pageInfo.endCursor };
    const page2 = await httpAnswer(query, variables) as { incidents: { edges: Array<{ node: { id: string } }>; pageInfo: { hasPreviousPage: boolean } } };
    expect(page2).toEqual(await resolverAnswer(query, variables));
    expect(page2.incidents.pageInfo.hasPreviousPage).toBe(true);
    expect(page2.incidents.edges).toHaveLength(5);
  });

  it.each([
    ['a runtime field (Source.health)', '{ incidents(first: 3) { nodes { id tickets { id } source { name health { status } } } } }', {}],
    ['a field it does not compile (Indicator.sightings)', '{ incidents(first: 3) { nodes { indicators { value sightings { subjectType subjectId } } } } }', {}],
    ['a nested page after a cursor', '{ incidents(first: 2) { nodes { notes(first: 1, after: "eyJ2IjpudWxsLCJpZCI6IngifQ") { nodes { body } pageInfo { hasNextPage } } } } }', {}],
    ['a directive', 'query($full: Boolean!) { incidents(first: 3) { nodes { id tickets { id } title @include(if: $full) } } }', { full: true }],
  ] as Array<[string, string, Record<string, unknown>]>)('take the resolver path for %s, with the same answer', async (_name, query, variables) => {
    expect(await httpAnswer(query, variables)).toEqual(await resolverAnswer(query, variables));
    // Each of these selects a relation under its page: the resolver path sends a statement for it, the compiled one would not.
    const rootPages = (query.match(/\b(incidents|tickets)\(/g) ?? []).length;
    expect(await statementsOf(query, variables)).toBeGreaterThan(tokenCheck + rootPages);
  });

  // A dashboard's query: compiled pages beside root fields the resolvers answer (statements: one per page and per
  // totalCount, one for the jobs' stored state; viewer, sources and vendors come from the hub's memory).
  it.each([
    ['a root field answered from memory (sources)', '{ incidents(first: 2) { nodes { id tickets { id } } } sources { name } }', {}, 1],
    ['a root field with no SQL (vendors), first', '{ vendors { id displayName capabilities } incidents(first: 2) { nodes { id tickets { id } } } }', {}, 1],
    ['a total count of the root page', '{ tickets(first: 2) { totalCount nodes { id attachments { id } } } }', {}, 2],
    ['a dashboard (viewer, sources with health, two counted pages, jobs with their last run), through a fragment',
      `query Dashboard { ...Who sources { name vendor health { status } } tickets(first: 20) { totalCount nodes { id externalId title status priority } }
        incidents(first: 10) { totalCount nodes { id title } } jobs { name intervalSeconds lastRun { state jobName } cursor } }
        fragment Who on Query { viewer { name role } }`, {}, 5],
  ] as Array<[string, string, Record<string, unknown>, number]>)('answer %s with the resolvers beside the compiled pages, the same answer', async (_name, query, variables, statements) => {
    expect(await httpAnswer(query, variables)).toEqual(await resolverAnswer(query, variables));
    expect(await statementsOf(query, variables)).toBe(tokenCheck + statements);
  });

  it('answer through the resolvers alone when a root field beside the pages fails, its error as always', async () => {
    const query = '{ incidents(first: 2) { nodes { id } } node(id: "garbage") { id } tickets(first: 1) { totalCount } }';
    const { status, body } = await hub.graphql<{ incidents: { nodes: unknown[] }; node: null; tickets: { totalCount: number } }>(query, undefined, hub.tokens.VIEWER);
    expect(status).toBe(200);
    expect(body.errors?.map((e) => [(e as { path?: unknown }).path, e.extensions?.code])).toEqual([[['node'], 'BAD_USER_INPUT']]);
    expect(Object.keys(body.data!)).toEqual(['incidents', 'node', 'tickets']);
    expect(body.data!.incidents.nodes).toHaveLength(2);
    expect(body.data!.node).toBeNull();
    expect(body.data!.tickets.totalCount).toBeGreaterThan(0);
  });

  it('keep the order of the root fields, the compiled ones and the others', async () => {
    const query = '{ jobs { name } a: incidents(first: 1) { nodes { id } } viewer { name } b: tickets(first: 1) { nodes { title } } }';
    const answer = await httpAnswer(query) as Record<string, unknown>;
    expect(Object.keys(answer)).toEqual(['jobs', 'a', 'viewer', 'b']);
    expect(answer).toEqual(await resolverAnswer(query));
  });

  it.each([
    ['first out of range', '{ incidents(first: 500) { nodes { id } } }', 'first'],
    ['a cursor not made here', '{ tickets(after: "garbage") { nodes { id } } }', 'after'],
    ['a source id that is not one', '{ incidents(filter: { sourceIds: ["bad"] }) { nodes { id } } }', 'filter.sourceIds'],
  ])('refuse %s with the resolver path\'s BAD_USER_INPUT', async (_name, query, argument) => {
    const { body } = await hub.graphql(query, undefined, hub.tokens.VIEWER);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it('authorize before compiling: no token, no data', async () => {
    const { status, body } = await hub.graphql(hubQuery('Dash', 2), undefined, null);
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('compiled reads and operation names', () => {
  it('leave an operation name that matches none to the resolver path\'s error (not a 500)', async () => {
    const { status, body } = await hub.graphql('query A { incidents(first: 1) { nodes { id } } } query B { tickets(first: 1) { nodes { id } } }', undefined, hub.tokens.VIEWER);
    expect(status).toBeLessThan(500);
    expect(body.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  });
});
