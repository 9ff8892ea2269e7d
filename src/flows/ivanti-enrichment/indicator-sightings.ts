import type { ExtractedIndicator } from '../../indicators/extract.js';
import type { Queryable } from '../../store/queryable.js';

/**
 * Stores indicators found in a ticket (new ones at UNKNOWN) and one sighting per indicator and ticket, in one
 * statement; a repeat only moves `last_seen_at`. Answers the indicators' ids by `type value`.
 */
export async function recordTicketSightings(db: Queryable, ticketId: string, sourceId: string, indicators: ExtractedIndicator[]): Promise<Map<string, string>> {
  if (indicators.length === 0) return new Map();
  const rows: Array<{ id: string; type: string; value: string }> = await db.query(`
    WITH found AS (
      SELECT DISTINCT type, value FROM jsonb_to_recordset($1::jsonb) AS f(type text, value text)
    ), stored AS (
      INSERT INTO indicator (type, value, first_seen_at, last_seen_at)
      SELECT type, value, now(), now() FROM found ORDER BY type, value -- one lock order for every writer: no deadlock
      ON CONFLICT (type, value) DO UPDATE SET last_seen_at = now()
      RETURNING id, type, value
    ), sighted AS (
      INSERT INTO sighting (indicator_id, subject_type, subject_id, source_id, first_seen_at, last_seen_at)
      SELECT id, 'TICKET', $2, $3::uuid, now(), now() FROM stored
      ON CONFLICT (indicator_id, subject_type, subject_id) DO UPDATE SET last_seen_at = now()
    )
    SELECT id, type, value FROM stored`,
  [JSON.stringify(indicators.map((i) => ({ type: i.type, value: i.value }))), ticketId, sourceId]);
  return new Map(rows.map((r) => [`${r.type} ${r.value}`, r.id]));
}
