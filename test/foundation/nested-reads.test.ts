import { floorSql } from '../../bench/read/floor-sql.js';
import { canonical, hubQuery } from '../../bench/read/shapes.js';
import { INCIDENTS, seedDashboardRows } from '../support/dashboard-rows.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/*
 * The dashboard reads ("Dash": incidents with tickets, worklogs, attachments, notes, indicators, enrichments, source;
 * "Tix": tickets with worklogs, attachments, incidents): a fixed number of statements whatever the page size, and the
 * same answer as one hand-written SQL statement over the same rows (the read bench's floor).
 */
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
  await seedDashboardRows(hub);
});

afterAll(async () => {
  await hub?.close();
});

async function statementsCounted(): Promise<number> {
  const text = await (await fetch(hub.http.url.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^socgraph_db_statements_total (\d+)/m.exec(text)![1]);
}

/** Statements one request sends, the fewest over three tries (anything else the hub does in between only adds). */
async function statementsOf(query: string): Promise<number> {
  await hub.query(query, undefined, hub.tokens.VIEWER);
  let fewest = Infinity;
  for (let i = 0; i < 3; i++) {
    const before = await statementsCounted();
    await hub.query(query, undefined, hub.tokens.VIEWER);
    fewest = Math.min(fewest, await statementsCounted() - before);
  }
  return fewest;
}

describe('nested dashboard reads', () => {
  it('send as many statements for a page of 2 as for a page of 12 (no N+1): one when compiled, one per level through the resolvers', async () => {
    const small = await statementsOf(hubQuery('Dash', 2));
    const large = await statementsOf(hubQuery('Dash', INCIDENTS));
    expect(small).toBe(large);
    // the compiled read path (src/reads): the page's one statement (the token check is cached)
    expect(large).toBeLessThanOrEqual(2);
    expect(await statementsOf(hubQuery('Tix', 3))).toBe(await statementsOf(hubQuery('Tix', 2 * INCIDENTS)));
    // Source.health is runtime state, so this Dash takes the resolver path: token check, incidents, then tickets /
    // attachments / notes / indicators, then worklogs / ticket attachments / enrichments
    const withHealth = (first: number) => hubQuery('Dash', first).replace('source { name vendor }', 'source { name vendor health { status } }');
    const resolved = await statementsOf(withHealth(INCIDENTS));
    expect(await statementsOf(withHealth(2))).toBe(resolved);
    expect(resolved).toBeGreaterThan(large);
    expect(resolved).toBeLessThanOrEqual(9);
  });

  it('answer Dash as the hand-written SQL does, ordered as documented', async () => {
    const data = await hub.query(hubQuery('Dash', INCIDENTS), undefined, hub.tokens.VIEWER);
    const [{ body }] = await hub.services.dataSource.query(floorSql('Dash'), [INCIDENTS]);
    expect(canonical(data)).toEqual(canonical(JSON.parse(body).data));

    const incidents = data.incidents.nodes;
    expect(incidents).toHaveLength(INCIDENTS);
    const first = incidents[0];
    expect(first.source).toEqual({ name: 'soar', vendor: 'IBM_RESILIENT' });
    expect(first.tickets.map((t: { externalId: string }) => t.externalId.slice(-1))).toEqual(['1', '0']);
    expect(first.tickets[0].worklogs.nodes.map((w: { body: string }) => w.body)).toEqual(['worklog 0', 'worklog 1', 'worklog 2']);
    expect(first.tickets[0].attachments).toEqual([expect.objectContaining({ name: 'mail.eml', contentType: 'message/rfc822' })]);
    expect(first.attachments).toEqual([expect.objectContaining({ name: 'report.pdf', size: null })]);
    expect(first.notes.nodes.map((n: { body: string }) => n.body)).toEqual(['note 0', 'note 1']);
    expect(first.indicators.map((x: { value: string }) => x.value.split('.')[3])).toEqual(['0', '1']);
    expect(first.indicators[0].enrichments.map((e: { provider: string }) => e.provider)).toEqual(['ABUSEIPDB', 'VIRUSTOTAL']);
  });

  it('answer Tix as the hand-written SQL does', async () => {
    const data = await hub.query(hubQuery('Tix', 2 * INCIDENTS), undefined, hub.tokens.VIEWER);
    const [{ body }] = await hub.services.dataSource.query(floorSql('Tix'), [2 * INCIDENTS]);
    expect(canonical(data)).toEqual(canonical(JSON.parse(body).data));
    expect(data.tickets.nodes).toHaveLength(2 * INCIDENTS);
    expect(data.tickets.nodes.every((t: { incidents: unknown[] }) => t.incidents.length === 1)).toBe(true);
  });

  it('page nested lists with cursors as before', async () => {
    const query = `query($after: String) { incidents(first: 1) { nodes { notes(first: 1, after: $after) {
      edges { cursor node { body } } pageInfo { hasNextPage hasPreviousPage endCursor } totalCount } } } }`;
    const page1 = (await hub.query(query, { after: null })).incidents.nodes[0].notes;
    expect(page1.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual(['note 0']);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: page1.edges[0].cursor });
    expect(page1.totalCount).toBe(2);
    const page2 = (await hub.query(query, { after: page1.pageInfo.endCursor })).incidents.nodes[0].notes;
    expect(page2.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual(['note 1']);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});
