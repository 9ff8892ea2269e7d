import DataLoader from 'dataloader';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from '../db/data-source.js';
import type {
  AttachmentEntity, EnrichmentEntity, IncidentEntity, IncidentNoteEntity, IndicatorEntity, SightingEntity, SourceEntity, TicketEntity,
  WorklogEntity,
} from '../store/entities/index.js';

/*
 * Request-scoped batch loaders: one statement per relation per request level, not one per parent (no N+1).
 * The read path's hot loaders select the columns the GraphQL types show, straight from the pg pool as plain rows
 * (aliased to the entities' property names, so the presenters take them as they are): no TypeORM query runner or
 * entity hydration, which the profile showed at ~13 % of a nested read. Rows are grouped by key in a Map (one pass),
 * and each many-to-many relation is one joined statement rather than ids first and rows second.
 */

const TICKET = `t.id, t.source_id AS "sourceId", t.external_id AS "externalId", t.url, t.title, t.description, t.status,
  t.vendor_status AS "vendorStatus", t.priority, t.ticket_type AS "ticketType", t.grouping_type AS "groupingType",
  t.close_code AS "closeCode", t.close_codes AS "closeCodes", t.fields, t.created_at AS "createdAt", t.updated_at AS "updatedAt",
  t.closed_at AS "closedAt"`;
const INCIDENT = `i.id, i.source_id AS "sourceId", i.external_id AS "externalId", i.url, i.title, i.description, i.status, i.severity,
  i.phase, i.resolution, i.resolution_summary AS "resolutionSummary", i.custom_fields AS "customFields", i.created_at AS "createdAt",
  i.updated_at AS "updatedAt", i.closed_at AS "closedAt"`;
const INDICATOR = `x.id, x.type, x.value, x.verdict, x.score, x.first_seen_at AS "firstSeenAt", x.last_seen_at AS "lastSeenAt"`;

type Row<E> = E & { key: string };

export function createLoaders(dataSource: DataSource) {
  const pool = poolOf(dataSource);

  /** Rows for many parents in one statement ($1 = their keys, read from our own rows), grouped by the `key` column. */
  const grouped = <E>(sql: string) =>
    new DataLoader<string, E[]>(async (keys) => groupByKey(await rows<Row<E>>(pool, sql, [keys], 'trusted'), keys));

  const byId = <E extends { id: string }>(sql: string) =>
    new DataLoader<string, E | null>(async (ids) => {
      const found = new Map<string, E>();
      for (const row of await rows<E>(pool, sql, [ids])) found.set(row.id, row);
      return ids.map((id) => found.get(id) ?? null);
    });

  /** Indicators sighted on tickets or incidents, oldest sighting first. */
  const indicatorsOn = (subjectType: 'TICKET' | 'INCIDENT') => grouped<IndicatorEntity>(
    `SELECT s.subject_id AS key, ${INDICATOR} FROM sighting s JOIN indicator x ON x.id = s.indicator_id
     WHERE s.subject_type = '${subjectType}' AND s.subject_id = ANY($1::text[]) ORDER BY s.first_seen_at, s.id`);

  return {
    source: byId<SourceEntity>(`SELECT id, name, vendor, base_url AS "baseUrl", enabled, sandbox, poll_interval_seconds AS "pollIntervalSeconds",
      health_status AS "healthStatus", last_success_at AS "lastSuccessAt", last_error_at AS "lastErrorAt", last_error AS "lastError",
      consecutive_failures AS "consecutiveFailures" FROM source WHERE id = ANY($1::uuid[])`),
    ticket: byId<TicketEntity>(`SELECT ${TICKET} FROM ticket t WHERE t.id = ANY($1::uuid[])`),
    incident: byId<IncidentEntity>(`SELECT ${INCIDENT} FROM incident i WHERE i.id = ANY($1::uuid[])`),
    indicator: byId<IndicatorEntity>(`SELECT ${INDICATOR} FROM indicator x WHERE x.id = ANY($1::uuid[])`),
    worklogsByTicket: grouped<WorklogEntity>(`SELECT ticket_id AS key, id, author, type, body, created_at AS "createdAt"
      FROM worklog WHERE ticket_id = ANY($1::uuid[]) ORDER BY created_at, id`),
    attachmentsByTicket: grouped<AttachmentEntity>(`SELECT ticket_id AS key, id, external_id AS "externalId", name, content_type AS "contentType",
      size, created_at AS "createdAt" FROM attachment WHERE ticket_id = ANY($1::uuid[]) ORDER BY created_at, id`),
    attachmentsByIncident: grouped<AttachmentEntity>(`SELECT incident_id AS key, id, external_id AS "externalId", name, content_type AS "contentType",
      size, created_at AS "createdAt" FROM attachment WHERE incident_id = ANY($1::uuid[]) ORDER BY created_at, id`),
    notesByIncident: grouped<IncidentNoteEntity>(`SELECT incident_id AS key, id, external_id AS "externalId", body, created_at AS "createdAt"
      FROM incident_note WHERE incident_id = ANY($1::uuid[]) ORDER BY created_at, id`),
    enrichmentsByIndicator: grouped<EnrichmentEntity>(`SELECT indicator_id AS key, id, indicator_id AS "indicatorId", provider, source, verdict,
      score, summary, details, link, not_found AS "notFound", fetched_at AS "fetchedAt", expires_at AS "expiresAt"
      FROM enrichment WHERE indicator_id = ANY($1::uuid[]) ORDER BY provider`),
    sightingsByIndicator: grouped<SightingEntity>(`SELECT indicator_id AS key, subject_type AS "subjectType", subject_id AS "subjectId",
      first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt" FROM sighting WHERE indicator_id = ANY($1::uuid[]) ORDER BY last_seen_at DESC`),
    /** The incidents a ticket became, in the order they were linked. */
    incidentsByTicket: grouped<IncidentEntity>(`SELECT l.ticket_id AS key, ${INCIDENT} FROM ticket_incident l JOIN incident i ON i.id = l.incident_id
      WHERE l.ticket_id = ANY($1::uuid[]) ORDER BY l.created_at, l.incident_id`),
    /** The tickets an incident was made from, in the order they were linked. */
    ticketsByIncident: grouped<TicketEntity>(`SELECT l.incident_id AS key, ${TICKET} FROM ticket_incident l JOIN ticket t ON t.id = l.ticket_id
      WHERE l.incident_id = ANY($1::uuid[]) ORDER BY l.created_at, l.ticket_id`),
    indicatorsByTicket: indicatorsOn('TICKET'),
    indicatorsByIncident: indicatorsOn('INCIDENT'),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

async function rows<R>(pool: pg.Pool, sql: string, [keys]: [readonly string[]], keySource: 'client' | 'trusted' = 'client'): Promise<R[]> {
  // Ids from a client (node(id)) may be malformed, and one would fail the whole batch against a uuid column: it matches nothing.
  const valid = keySource === 'client' ? keys.filter(isUuid) : keys;
  if (valid.length === 0) return [];
  return (await pool.query(sql, [valid])).rows as R[];
}

function groupByKey<E>(found: Array<Row<E>>, keys: readonly string[]): E[][] {
  const byKey = new Map<string, E[]>();
  for (const row of found) {
    const list = byKey.get(row.key);
    if (list) list.push(row);
    else byKey.set(row.key, [row]);
  }
  return keys.map((k) => byKey.get(k) ?? []);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Loads many by id through a loader, dropping ids that no longer exist. */
export async function loadAll<T>(loader: DataLoader<string, T | null>, ids: string[]): Promise<T[]> {
  const rows = await loader.loadMany(ids);
  return rows.filter((r): r is T => r !== null && !(r instanceof Error));
}
