import type { Logger, QueryRunner } from 'typeorm';
import { SECUREWORKS_CTP } from '../../src/sources/secureworks-ctp/vendor-id.js';
import { poolOf } from '../../src/db/data-source.js';
import { toGlobalId } from '../../src/domain/global-id.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/**
 * Every filter the API offers has an index behind it. Each filter is sent through GraphQL with `totalCount`; the
 * count statement the hub ran (the resolver's, or the compiled read's for a root page: its WHERE clause alone, no
 * ORDER BY or LIMIT to steer the plan) is explained
 * with sequential scans disabled, so the planner takes the best index that serves the predicate — and the plan
 * must name the index meant for that filter. Drop an index and its case fails.
 */
let hub: TestHub;
let sourceId: string;
const counts: Array<{ sql: string; parameters: unknown[] }> = [];

beforeAll(async () => {
  hub = await startTestHub();
  await hub.services.sources.register([{
    name: 'ctp-idx', vendor: SECUREWORKS_CTP, baseUrl: 'http://127.0.0.1:1/api', enabled: true, sandbox: true, tlsVerify: true,
    pollIntervalSeconds: 0, timeoutMs: 1000, credentials: {}, settings: {},
  }]);
  sourceId = toGlobalId('Source', hub.services.sources.get('ctp-idx')!.entity.id);
  const logger = hub.services.dataSource.logger as Logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (sql: string, parameters?: unknown[], runner?: QueryRunner) => {
    if (/^SELECT COUNT\(/i.test(sql)) counts.push({ sql, parameters: parameters ?? [] });
    return logQuery(sql, parameters, runner);
  };
  // The compiled read path (root pages' totalCount) sends its count straight to the pool.
  const pool = poolOf(hub.services.dataSource);
  const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
    const { text, values } = (typeof config === 'string' ? { text: config, values: rest[0] } : config) as { text: string; values?: unknown[] };
    if (/^SELECT COUNT\(/i.test(text)) counts.push({ sql: text, parameters: values ?? [] });
    return poolQuery(config, ...rest);
  };
});

afterAll(async () => {
  await hub?.close();
});

/** The plan of the count statement that `field(filter: …)` ran. */
async function countPlan(field: string, filter: string): Promise<string> {
  counts.length = 0;
  await hub.query(`{ ${field}(filter: ${filter}, first: 1) { totalCount } }`);
  expect(counts).toHaveLength(1);
  const [{ sql, parameters }] = counts;
  const runner = hub.services.dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await runner.query('SET LOCAL enable_seqscan = off');
    const rows: Array<{ 'QUERY PLAN': string }> = await runner.query(`EXPLAIN ${sql}`, parameters);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}

const cases: Array<[field: string, filter: string, index: string]> = [
  ['tickets', '{ statuses: [OPEN] }', 'ix_ticket_status'],
  ['tickets', '{ priorities: [HIGH] }', 'ix_ticket_priority'],
  ['tickets', '{ ticketType: "INCIDENT" }', 'ix_ticket_type_grouping'],
  ['tickets', '{ ticketType: "INCIDENT", groupingType: "SECURITY" }', 'ix_ticket_type_grouping'],
  ['tickets', '{ externalId: "IN1001" }', 'ix_ticket_external'],
  ['tickets', '{ sourceIds: ["$SOURCE"] }', 'uq_ticket_source_external'],
  ['tickets', '{ search: "phish" }', 'ix_ticket_title_trgm'],
  ['tickets', '{ updatedSince: "2026-11-01T00:00:00Z" }', 'ix_ticket_updated'],
  ['incidents', '{ statuses: [CLOSED] }', 'ix_incident_status'],
  ['incidents', '{ severities: ["High"] }', 'ix_incident_severity'],
  ['incidents', '{ externalId: "2095" }', 'ix_incident_external'],
  ['incidents', '{ sourceIds: ["$SOURCE"] }', 'uq_incident_source_external'],
  ['incidents', '{ search: "ransom" }', 'ix_incident_title_trgm'],
  ['incidents', '{ updatedSince: "2026-11-01T00:00:00Z" }', 'ix_incident_updated'],
  ['indicators', '{ types: [IPV4] }', 'uq_indicator_type_value'],
  ['indicators', '{ valuePrefix: "203.0.113." }', 'ix_indicator_value_prefix'],
  ['indicators', '{ verdicts: [MALICIOUS] }', 'ix_indicator_verdict'],
  ['indicators', '{ seenSince: "2026-11-01T00:00:00Z" }', 'ix_indicator_last_seen'],
  ['syncEvents', '{ kinds: [TICKET_IMPORTED] }', 'ix_sync_event_kind'],
  ['syncEvents', '{ vendor: SECUREWORKS_CTP }', 'ix_sync_event_vendor'],
  ['syncEvents', '{ subjectId: "$SOURCE" }', 'ix_sync_event_subject'],
];

describe('filter indexes', () => {
  it.each(cases)('%s(filter: %s) is served by %s', async (field, filter, index) => {
    const plan = await countPlan(field, filter.replace('$SOURCE', sourceId));
    expect(plan).toContain(index);
  });
});
