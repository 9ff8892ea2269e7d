import type { IncidentData, IncidentStatus } from '../domain/model.js';
import { knownStates, type PendingAttachment, type PendingNote, type WriteState } from './incident-writes.js';
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
  const rows = await db.query(`${MIRROR_INCIDENT_SQL}
SELECT up.id, (SELECT incident_id FROM prior) AS linked_id FROM up`, incidentParameters(sourceId, data, ticketId));
  return linkedOrStored(db, rows[0] as { id: string; linked_id: string | null }, data);
}

/**
 * Stores a page of a platform's incidents (no ticket links) in one statement. An external id listed twice keeps
 * its last state (one statement cannot update a row twice).
 */
export async function mirrorIncidents(db: Queryable, sourceId: string, incidents: IncidentData[]): Promise<void> {
  const byExternalId = new Map(incidents.map((data) => [data.externalId, data]));
  if (byExternalId.size === 0) return;
  await db.query(MIRROR_INCIDENTS_SQL, [sourceId, JSON.stringify([...byExternalId.values()].map(incidentRecord))]);
}

/** An incident to store for a ticket, with the writes about to be made on it (see `mirrorIncidentsPreparingWrites`). */
export interface IncidentWithWrites {
  data: IncidentData;
  ticketId: string;
  notes: PendingNote[];
  attachments: PendingAttachment[];
}

export interface PreparedIncident {
  /** The incident the ticket is linked to (normally the one stored; an earlier link wins). */
  incident: StoredIncident;
  /** The writes already recorded on it before, by origin (the others are now recorded as pending). */
  known: Map<string, WriteState>;
}

/**
 * `mirrorIncident` for tickets, each with the writes about to be made on its incident prepared in the same
 * statement (`IncidentWrites.prepare`), for several tickets at once: one round trip, one plan. Incidents are
 * written in external-id order; an incident listed twice makes the statement fail (store those one by one).
 */
export async function mirrorIncidentsPreparingWrites(db: Queryable, sourceId: string, items: IncidentWithWrites[]): Promise<PreparedIncident[]> {
  if (items.length === 0) return [];
  const input = items.map(({ data, ticketId, notes, attachments }, ord) => ({
    ord, ...incidentRecord(data), ticket_id: ticketId,
    notes: notes.map((n) => ({ origin_key: n.originKey, created_at: n.createdAt })),
    attachments: attachments.map((a) => ({ origin_key: a.originKey, name: a.name })),
  }));
  const rows = await db.query(MIRROR_INCIDENTS_PREPARING_WRITES_SQL, [sourceId, JSON.stringify(input)]) as
    Array<{ ord: number; id: string; own_id: string; known: Array<[string, boolean]> | string }>;
  const byOrd = new Map(rows.map((row) => [row.ord, row]));
  return Promise.all(items.map(async ({ data }, ord) => {
    const row = byOrd.get(ord);
    if (!row) throw new Error(`incident ${data.externalId} was not stored`);
    return { incident: await linkedOrStored(db, { id: row.own_id, linked_id: row.id }, data), known: knownStates(row.known) };
  }));
}

/** An incident as a row of the `jsonb_to_recordset` inputs (INCIDENT_RECORD_COLUMNS). */
function incidentRecord(data: IncidentData) {
  return {
    external_id: data.externalId, url: data.url, title: data.title, description: data.description, status: data.status,
    severity: data.severity, phase: data.phase, resolution: data.resolution, resolution_summary: data.resolutionSummary,
    custom_fields: data.customFields, version: data.version, created_at: data.createdAt, updated_at: data.updatedAt,
    closed_at: data.closedAt,
  };
}

function incidentParameters(sourceId: string, data: IncidentData, ticketId: string | null): unknown[] {
  return [sourceId, ...incidentValues(data), ticketId];
}

/** The columns an incident is stored with: its source, then the 14 of `incidentValues`. */
const INCIDENT_COLUMNS = `source_id, external_id, url, title, description, status, severity, phase, resolution, resolution_summary,
                        custom_fields, version, created_at, updated_at, closed_at`;

/** A stored incident takes the platform's latest state. */
const INCIDENT_CONFLICT = `ON CONFLICT (source_id, external_id) DO UPDATE SET
    url = EXCLUDED.url, title = EXCLUDED.title, description = EXCLUDED.description, status = EXCLUDED.status,
    severity = EXCLUDED.severity, phase = EXCLUDED.phase, resolution = EXCLUDED.resolution,
    resolution_summary = EXCLUDED.resolution_summary, custom_fields = EXCLUDED.custom_fields, version = EXCLUDED.version,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at`;

/**
 * The incident upsert (no RETURNING) for statements that store one incident: the source id is parameter
 * `$sourceParam`, `incidentValues(data)` are the 14 parameters from `$firstValueParam` on.
 */
export function incidentUpsertSql(sourceParam: number, firstValueParam: number): string {
  const values = Array.from({ length: 14 }, (_, i) => `$${firstValueParam + i}${i === 9 ? '::jsonb' : ''}`);
  return `INSERT INTO incident (${INCIDENT_COLUMNS})
  VALUES ($${sourceParam}, ${values.join(', ')})
  ${INCIDENT_CONFLICT}`;
}

/** An incident's values in `incidentUpsertSql`'s order. */
export function incidentValues(data: IncidentData): unknown[] {
  return [
    data.externalId, data.url, data.title, data.description, data.status, data.severity, data.phase, data.resolution,
    data.resolutionSummary, JSON.stringify(data.customFields), data.version, data.createdAt, data.updatedAt, data.closedAt,
  ];
}

async function linkedOrStored(db: Queryable, row: { id: string; linked_id: string | null }, data: IncidentData): Promise<StoredIncident> {
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
  ${incidentUpsertSql(1, 2)}
  RETURNING id
), prior AS (
  SELECT incident_id FROM ticket_incident WHERE ticket_id = $16::uuid AND incident_source_id = $1
), link AS (
  INSERT INTO ticket_incident (ticket_id, incident_id, incident_source_id)
  SELECT $16::uuid, up.id, $1 FROM up WHERE $16::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM prior)
  ON CONFLICT DO NOTHING
)`;

/** The columns of `incidentRecord` as `jsonb_to_recordset` reads them. */
const INCIDENT_RECORD_COLUMNS = `external_id text, url text, title text, description text, status text, severity text, phase text,
    resolution text, resolution_summary text, custom_fields jsonb, version text, created_at timestamptz, updated_at timestamptz,
    closed_at timestamptz`;

const MIRROR_INCIDENTS_SQL = `
INSERT INTO incident (${INCIDENT_COLUMNS})
SELECT $1, external_id, url, title, description, status, severity, phase, resolution, resolution_summary,
       custom_fields, version, created_at, updated_at, closed_at
FROM jsonb_to_recordset($2::jsonb) AS i(${INCIDENT_RECORD_COLUMNS})
ORDER BY external_id
${INCIDENT_CONFLICT}`;

const MIRROR_INCIDENTS_PREPARING_WRITES_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS i(ord int, ${INCIDENT_RECORD_COLUMNS}, ticket_id uuid, notes jsonb, attachments jsonb)
), up AS (
  INSERT INTO incident (${INCIDENT_COLUMNS})
  SELECT $1, external_id, url, title, description, status, severity, phase, resolution, resolution_summary,
         custom_fields, version, created_at, updated_at, closed_at
  FROM input ORDER BY external_id
  ${INCIDENT_CONFLICT}
  RETURNING id, external_id
), prior AS (
  SELECT ticket_id, incident_id FROM ticket_incident WHERE incident_source_id = $1 AND ticket_id IN (SELECT ticket_id FROM input)
), link AS (
  INSERT INTO ticket_incident (ticket_id, incident_id, incident_source_id)
  SELECT input.ticket_id, up.id, $1 FROM input JOIN up USING (external_id)
  WHERE NOT EXISTS (SELECT 1 FROM prior WHERE prior.ticket_id = input.ticket_id)
  ON CONFLICT DO NOTHING
), target AS (
  SELECT input.ord, COALESCE(prior.incident_id, up.id) AS id, up.id AS own_id, input.notes, input.attachments
  FROM input JOIN up USING (external_id) LEFT JOIN prior USING (ticket_id)
), wanted AS (
  SELECT target.id, w.origin_key FROM target, jsonb_to_recordset(target.notes) AS w(origin_key text)
  UNION ALL
  SELECT target.id, w.origin_key FROM target, jsonb_to_recordset(target.attachments) AS w(origin_key text)
), known AS (
  SELECT n.incident_id, n.origin_key, n.external_id IS NOT NULL AS done
  FROM wanted JOIN incident_note n ON n.incident_id = wanted.id AND n.origin_key = wanted.origin_key
  UNION ALL
  SELECT a.incident_id, a.origin_key, a.external_id NOT LIKE 'pending:%'
  FROM wanted JOIN attachment a ON a.incident_id = wanted.id AND a.origin_key = wanted.origin_key
), pending_notes AS (
  INSERT INTO incident_note (incident_id, origin_key, external_id, body, created_at)
  SELECT target.id, n.origin_key, NULL, '', n.created_at FROM target, jsonb_to_recordset(target.notes) AS n(origin_key text, created_at timestamptz)
  WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.incident_id = target.id AND known.origin_key = n.origin_key)
  ON CONFLICT DO NOTHING
), pending_attachments AS (
  INSERT INTO attachment (incident_id, external_id, origin_key, name)
  SELECT target.id, 'pending:' || a.origin_key, a.origin_key, a.name FROM target, jsonb_to_recordset(target.attachments) AS a(origin_key text, name text)
  WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.incident_id = target.id AND known.origin_key = a.origin_key)
  ON CONFLICT DO NOTHING
)
SELECT target.ord, target.id, target.own_id,
       (SELECT COALESCE(json_agg(json_build_array(known.origin_key, known.done)), '[]') FROM known WHERE known.incident_id = target.id) AS known
FROM target`;
