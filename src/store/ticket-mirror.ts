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
    JSON.stringify(data.worklogs.map((w) => ({ external_key: w.externalKey, author: w.author, type: w.type, body: w.body, created_at: w.createdAt }))),
    JSON.stringify(data.attachments.map((a) => ({ external_id: a.externalId, name: a.name, content_type: a.contentType ?? null, size: a.size ?? null }))),
    incidentSourceId,
  ]);
  const row = rows[0] as { id: string; created: boolean; old_version: string | null; incident_id: string | null; incident_external_id: string; incident_status: StoredIncident['status'] };
  return {
    ticketId: row.id,
    created: row.created,
    changed: row.created || row.old_version !== data.version,
    linkedIncident: row.incident_id ? { id: row.incident_id, externalId: row.incident_external_id, status: row.incident_status } : null,
  };
}

const MIRROR_TICKET_SQL = `
WITH old AS (
  SELECT id, version FROM ticket WHERE source_id = $1 AND external_id = $2
), up AS (
  INSERT INTO ticket (source_id, external_id, url, title, description, status, vendor_status, priority, ticket_type, grouping_type,
                      close_code, close_codes, version, fields, created_at, updated_at, closed_at, synced_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14::jsonb, $15, $16, $17, now())
  ON CONFLICT (source_id, external_id) DO UPDATE SET
    url = EXCLUDED.url, title = EXCLUDED.title, description = EXCLUDED.description, status = EXCLUDED.status,
    vendor_status = EXCLUDED.vendor_status, priority = EXCLUDED.priority, ticket_type = EXCLUDED.ticket_type,
    grouping_type = EXCLUDED.grouping_type, close_code = EXCLUDED.close_code,
    close_codes = COALESCE(EXCLUDED.close_codes, ticket.close_codes), -- keep what we learnt when a read omits them
    version = EXCLUDED.version, fields = EXCLUDED.fields, created_at = EXCLUDED.created_at,
    updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at, synced_at = now()
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
