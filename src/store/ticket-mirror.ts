import type { TicketData } from '../domain/model.js';
import type { StoredIncident } from './incident-mirror.js';
import type { Queryable } from './queryable.js';

export interface MirroredTicket {
  ticketId: string;
  created: boolean;
  /** The vendor's version differs from the one stored (or the ticket is new). */
  changed: boolean;
  /** With `incidentSourceId`: the incident the ticket is already linked to on that platform. */
  linkedIncident: StoredIncident | null;
}

/**
 * Stores a vendor ticket with its worklogs and attachment metadata in one statement, idempotently: keyed by
 * (source, external id), worklogs by their vendor key, attachments by vendor id. One round trip: this runs
 * for every ticket of every sync.
 */
export async function mirrorTicket(db: Queryable, sourceId: string, data: TicketData, incidentSourceId: string | null = null): Promise<MirroredTicket> {
  const rows = await db.query(MIRROR_TICKET_SQL, [
    sourceId, data.externalId, data.url, data.title, data.description, data.status, data.vendorStatus, data.priority,
    data.ticketType, data.groupingType, data.closeCode, data.closeCodes ? JSON.stringify(data.closeCodes) : null, data.version,
    JSON.stringify(data.fields), data.createdAt, data.updatedAt, data.closedAt,
    JSON.stringify(worklogRows(data)), JSON.stringify(attachmentRows(data)),
    incidentSourceId,
  ]);
  return mirrored(rows[0] as MirrorRow, data);
}

const TICKET_COLUMNS = `source_id, external_id, url, title, description, status, vendor_status, priority, ticket_type, grouping_type,
                      close_code, close_codes, version, fields, created_at, updated_at, closed_at, synced_at`;

/** A stored ticket takes the vendor's latest state. */
const TICKET_CONFLICT = `ON CONFLICT (source_id, external_id) DO UPDATE SET
    url = EXCLUDED.url, title = EXCLUDED.title, description = EXCLUDED.description, status = EXCLUDED.status,
    vendor_status = EXCLUDED.vendor_status, priority = EXCLUDED.priority, ticket_type = EXCLUDED.ticket_type,
    grouping_type = EXCLUDED.grouping_type, close_code = EXCLUDED.close_code,
    close_codes = COALESCE(EXCLUDED.close_codes, ticket.close_codes), -- keep what we learnt when a read omits them
    version = EXCLUDED.version, fields = EXCLUDED.fields, created_at = EXCLUDED.created_at,
    updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at, synced_at = now()`;

const MIRROR_TICKET_SQL = `
WITH old AS (
  SELECT id, version FROM ticket WHERE source_id = $1 AND external_id = $2
), up AS (
  INSERT INTO ticket (${TICKET_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14::jsonb, $15, $16, $17, now())
  ${TICKET_CONFLICT}
  RETURNING id
), worklogs AS (
  INSERT INTO worklog (ticket_id, external_key, author, type, body, created_at)
  SELECT up.id, w.external_key, w.author, w.type, w.body, w.created_at
  FROM up, jsonb_to_recordset($18::jsonb) AS w(external_key text, author text, type text, body text, created_at timestamptz)
  ON CONFLICT DO NOTHING
), attachments AS (
  INSERT INTO attachment (ticket_id, external_id, name, content_type, size)
  SELECT up.id, a.external_id, a.name, a.content_type, a.size
  FROM up, jsonb_to_recordset($19::jsonb) AS a(external_id text, name text, content_type text, size int)
  ON CONFLICT DO NOTHING
)
SELECT up.id, old.id IS NULL AS created, old.version AS old_version,
       linked.id AS incident_id, linked.external_id AS incident_external_id, linked.status AS incident_status
FROM up
LEFT JOIN old ON true
LEFT JOIN LATERAL (
  SELECT i.id, i.external_id, i.status FROM ticket_incident l JOIN incident i ON i.id = l.incident_id
  WHERE l.ticket_id = old.id AND l.incident_source_id = $20::uuid
) linked ON true`;

/**
 * `mirrorTicket` for many tickets of one source in one statement (a page of a feed): the same upsert, worklogs,
 * attachments and link lookup, in the order given. Rows are written in external-id order, so two writers of
 * overlapping pages lock them in the same order. A ticket listed twice is stored once (its last listing).
 */
export async function mirrorTickets(db: Queryable, sourceId: string, tickets: TicketData[], incidentSourceId: string | null = null): Promise<MirroredTicket[]> {
  if (tickets.length === 0) return [];
  const latest = new Map<string, TicketData>();
  for (const data of tickets) latest.set(data.externalId, data);
  const input = [...latest.values()].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0)).map((data) => ({
    external_id: data.externalId, url: data.url, title: data.title, description: data.description, status: data.status,
    vendor_status: data.vendorStatus, priority: data.priority, ticket_type: data.ticketType, grouping_type: data.groupingType,
    close_code: data.closeCode, close_codes: data.closeCodes ?? null, version: data.version, fields: data.fields,
    created_at: data.createdAt, updated_at: data.updatedAt, closed_at: data.closedAt,
    worklogs: worklogRows(data), attachments: attachmentRows(data),
  }));
  const rows = await db.query(MIRROR_TICKETS_SQL, [sourceId, JSON.stringify(input), incidentSourceId]) as Array<MirrorRow & { external_id: string }>;
  const byExternalId = new Map(rows.map((row) => [row.external_id, row]));
  return tickets.map((data) => {
    const row = byExternalId.get(data.externalId);
    if (!row) throw new Error(`ticket ${data.externalId} was not stored`);
    return mirrored(row, data);
  });
}

interface MirrorRow {
  id: string;
  created: boolean;
  old_version: string | null;
  incident_id: string | null;
  incident_external_id: string;
  incident_status: StoredIncident['status'];
}

function mirrored(row: MirrorRow, data: TicketData): MirroredTicket {
  return {
    ticketId: row.id,
    created: row.created,
    changed: row.created || row.old_version !== data.version,
    linkedIncident: row.incident_id ? { id: row.incident_id, externalId: row.incident_external_id, status: row.incident_status } : null,
  };
}

function worklogRows(data: TicketData) {
  return data.worklogs.map((w) => ({ external_key: w.externalKey, author: w.author, type: w.type, body: w.body, created_at: w.createdAt }));
}

function attachmentRows(data: TicketData) {
  return data.attachments.map((a) => ({ external_id: a.externalId, name: a.name, content_type: a.contentType ?? null, size: a.size ?? null }));
}

const MIRROR_TICKETS_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS t(
    external_id text, url text, title text, description text, status text, vendor_status text, priority text, ticket_type text,
    grouping_type text, close_code text, close_codes jsonb, version text, fields jsonb, created_at timestamptz, updated_at timestamptz,
    closed_at timestamptz, worklogs jsonb, attachments jsonb)
), old AS (
  SELECT id, external_id, version FROM ticket WHERE source_id = $1 AND external_id IN (SELECT external_id FROM input)
), up AS (
  INSERT INTO ticket (${TICKET_COLUMNS})
  SELECT $1, external_id, url, title, description, status, vendor_status, priority, ticket_type, grouping_type,
         close_code, close_codes, version, fields, created_at, updated_at, closed_at, now()
  FROM input ORDER BY external_id
  ${TICKET_CONFLICT}
  RETURNING id, external_id
), worklogs AS (
  INSERT INTO worklog (ticket_id, external_key, author, type, body, created_at)
  SELECT up.id, w.external_key, w.author, w.type, w.body, w.created_at
  FROM input JOIN up USING (external_id),
       jsonb_to_recordset(input.worklogs) AS w(external_key text, author text, type text, body text, created_at timestamptz)
  ON CONFLICT DO NOTHING
), attachments AS (
  INSERT INTO attachment (ticket_id, external_id, name, content_type, size)
  SELECT up.id, a.external_id, a.name, a.content_type, a.size
  FROM input JOIN up USING (external_id),
       jsonb_to_recordset(input.attachments) AS a(external_id text, name text, content_type text, size int)
  ON CONFLICT DO NOTHING
)
SELECT up.external_id, up.id, old.id IS NULL AS created, old.version AS old_version,
       linked.id AS incident_id, linked.external_id AS incident_external_id, linked.status AS incident_status
FROM up
LEFT JOIN old USING (external_id)
LEFT JOIN LATERAL (
  SELECT i.id, i.external_id, i.status FROM ticket_incident l JOIN incident i ON i.id = l.incident_id
  WHERE l.ticket_id = old.id AND l.incident_source_id = $3::uuid
) linked ON true`;
