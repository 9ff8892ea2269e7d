import { Vendor } from '../../src/domain/vendor.js';
import {
  AttachmentEntity, EnrichmentEntity, IncidentEntity, IncidentNoteEntity, IndicatorEntity, SightingEntity, TicketEntity,
  TicketIncidentEntity, WorklogEntity,
} from '../../src/store/entities/index.js';
import { floorSql } from '../../bench/read/floor-sql.js';
import { canonical, hubQuery } from '../../bench/read/shapes.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/*
 * The dashboard reads ("Dash": incidents with tickets, worklogs, attachments, notes, indicators, enrichments, source;
 * "Tix": tickets with worklogs, attachments, incidents): a fixed number of statements whatever the page size, and the
 * same answer as one hand-written SQL statement over the same rows (the read bench's floor).
 */
let hub: TestHub;
const INCIDENTS = 12;
const base = Date.parse('2026-11-01T00:00:00Z');
const at = (minutes: number) => new Date(base + minutes * 60_000);

beforeAll(async () => {
  hub = await startTestHub();
  await hub.services.sources.register([
    { name: 'ctp', vendor: Vendor.SECUREWORKS_CTP, baseUrl: 'http://127.0.0.1:1/api', enabled: true, sandbox: true, tlsVerify: true,
      pollIntervalSeconds: 0, timeoutMs: 1000, credentials: {}, settings: {} },
    { name: 'soar', vendor: Vendor.IBM_RESILIENT, baseUrl: 'http://127.0.0.1:1/rest', enabled: true, sandbox: true, tlsVerify: true,
      pollIntervalSeconds: 0, timeoutMs: 1000, credentials: {}, settings: {} },
  ]);
  const ctp = hub.services.sources.get('ctp')!.entity.id;
  const soar = hub.services.sources.get('soar')!.entity.id;
  const db = hub.services.dataSource;
  for (let n = 0; n < INCIDENTS; n++) {
    const incident = await db.getRepository(IncidentEntity).save({
      sourceId: soar, externalId: String(2000 + n), url: null, title: `Incident ${n}`, description: null, status: n % 3 === 0 ? 'CLOSED' : 'OPEN',
      severity: n % 2 ? 'High' : null, phase: 'Respond', resolution: null, resolutionSummary: null, customFields: { n }, version: null,
      createdAt: at(n), updatedAt: at(100 + (n % 5)), closedAt: n % 3 === 0 ? at(200 + n) : null,
    });
    // Two tickets per incident, linked second-made first: the answer follows the links, not the tickets' ages.
    for (const k of [1, 0]) {
      const ticket = await db.getRepository(TicketEntity).save({
        sourceId: ctp, externalId: `IN${n}-${k}`, url: null, title: `Ticket ${n}.${k}`, description: 'd', status: 'OPEN', vendorStatus: 'New',
        priority: 'HIGH', ticketType: 'INCIDENT', groupingType: 'SECURITY', closeCode: null, closeCodes: null, version: 'v1', fields: {},
        createdAt: at(n + k), updatedAt: at(50 + n + k), closedAt: null,
      });
      await db.getRepository(TicketIncidentEntity).save({ ticketId: ticket.id, incidentId: incident.id, incidentSourceId: soar });
      for (const w of [2, 0, 1]) {
        await db.getRepository(WorklogEntity).save({ ticketId: ticket.id, externalKey: `${n}-${k}-${w}`, author: 'analyst', type: 'Note', body: `worklog ${w}`, createdAt: at(10 + w) });
      }
      await db.getRepository(AttachmentEntity).save({ ticketId: ticket.id, incidentId: null, externalId: `a-${n}-${k}`, name: 'mail.eml', contentType: 'message/rfc822', size: 100 + n, originKey: null });
    }
    await db.getRepository(AttachmentEntity).save({ ticketId: null, incidentId: incident.id, externalId: `ia-${n}`, name: 'report.pdf', contentType: null, size: null, originKey: null });
    for (const k of [1, 0]) {
      await db.getRepository(IncidentNoteEntity).save({ incidentId: incident.id, externalId: `note-${n}-${k}`, originKey: null, body: `note ${k}`, createdAt: at(20 + k) });
    }
    for (const k of [1, 0]) {
      const indicator = await db.getRepository(IndicatorEntity).save({
        type: 'IPV4', value: `10.0.${n}.${k}`, verdict: k ? 'MALICIOUS' : 'HARMLESS', score: k ? 90 : null, firstSeenAt: at(k), lastSeenAt: at(300),
      });
      await db.getRepository(SightingEntity).save({ indicatorId: indicator.id, subjectType: 'INCIDENT', subjectId: incident.id, sourceId: soar, firstSeenAt: at(30 + k), lastSeenAt: at(300) });
      for (const provider of [Vendor.VIRUSTOTAL, Vendor.ABUSEIPDB]) {
        await db.getRepository(EnrichmentEntity).save({
          indicatorId: indicator.id, provider, source: provider.toLowerCase(), verdict: 'MALICIOUS', score: 80, summary: `${provider} ${k}`, details: {},
          link: null, notFound: false, fetchedAt: at(300), expiresAt: at(900),
        });
      }
    }
  }
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
  it('send as many statements for a page of 2 as for a page of 12 (no N+1), and no more than one per level', async () => {
    const small = await statementsOf(hubQuery('Dash', 2));
    const large = await statementsOf(hubQuery('Dash', INCIDENTS));
    expect(small).toBe(large);
    // token check, incidents, then tickets / attachments / notes / indicators, then worklogs / ticket attachments / enrichments
    expect(large).toBeLessThanOrEqual(9);
    expect(await statementsOf(hubQuery('Tix', 3))).toBe(await statementsOf(hubQuery('Tix', 2 * INCIDENTS)));
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
