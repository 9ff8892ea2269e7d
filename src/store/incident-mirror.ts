import type { IncidentData, IncidentStatus } from '../domain/model.js';
import type { Queryable } from './queryable.js';

export interface StoredIncident {
  id: string;
  externalId: string;
  status: IncidentStatus;
}

/**
 * Stores a response platform's incident, keyed by (source, external id); with `ticketId`, also links the
 * ticket to it unless the ticket already has an incident on that platform (one per ticket per platform,
 * first link wins). Returns the incident the ticket is linked to. One round trip.
 */
export async function mirrorIncident(db: Queryable, sourceId: string, data: IncidentData, ticketId: string | null = null): Promise<StoredIncident> {
  const rows = await db.query(MIRROR_INCIDENT_SQL, [
    sourceId, data.externalId, data.url, data.title, data.description, data.status, data.severity, data.phase, data.resolution,
    data.resolutionSummary, JSON.stringify(data.customFields), data.version, data.createdAt, data.updatedAt, data.closedAt, ticketId,
  ]);
  const row = rows[0] as { id: string; linked_id: string | null };
  if (row.linked_id && row.linked_id !== row.id) {
    const [linked] = await db.query('SELECT id, external_id, status FROM incident WHERE id = $1', [row.linked_id]);
    return { id: linked.id, externalId: linked.external_id, status: linked.status };
  }
  return { id: row.id, externalId: data.externalId, status: data.status };
}

/** The incident a ticket is linked to on a platform, if any. */
export async function linkedIncident(db: Queryable, ticketId: string, incidentSourceId: string): Promise<StoredIncident | null> {
  const [row] = await db.query(
    `SELECT i.id, i.external_id, i.status FROM ticket_incident l JOIN incident i ON i.id = l.incident_id
     WHERE l.ticket_id = $1 AND l.incident_source_id = $2`, [ticketId, incidentSourceId]);
  return row ? { id: row.id, externalId: row.external_id, status: row.status } : null;
}

const MIRROR_INCIDENT_SQL = `
WITH up AS (
  INSERT INTO incident (source_id, external_id, url, title, description, status, severity, phase, resolution, resolution_summary,
                        custom_fields, version, created_at, updated_at, closed_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15)
  ON CONFLICT (source_id, external_id) DO UPDATE SET
    url = EXCLUDED.url, title = EXCLUDED.title, description = EXCLUDED.description, status = EXCLUDED.status,
    severity = EXCLUDED.severity, phase = EXCLUDED.phase, resolution = EXCLUDED.resolution,
    resolution_summary = EXCLUDED.resolution_summary, custom_fields = EXCLUDED.custom_fields, version = EXCLUDED.version,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at
  RETURNING id
), prior AS (
  SELECT incident_id FROM ticket_incident WHERE ticket_id = $16::uuid AND incident_source_id = $1
), link AS (
  INSERT INTO ticket_incident (ticket_id, incident_id, incident_source_id)
  SELECT $16::uuid, up.id, $1 FROM up WHERE $16::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM prior)
  ON CONFLICT DO NOTHING
)
SELECT up.id, (SELECT incident_id FROM prior) AS linked_id FROM up`;
