import type { Queryable } from './queryable.js';

export type WriteState = 'pending' | 'done';

export interface PendingNote {
  originKey: string;
  createdAt: Date;
}

export interface PendingAttachment {
  originKey: string;
  name: string;
}

export interface WrittenNote {
  originKey: string;
  externalId: string;
  /** The note as sent; '' when it was found already written (keep what is stored). */
  body: string;
}

export interface WrittenAttachment {
  originKey: string;
  externalId: string;
  size: number | null;
  contentType: string | null;
}

/**
 * What the hub wrote to one incident (notes, attachments), keyed by what produced each write (its origin).
 * A write is recorded as pending before it is sent and done after, so a crash in between is recognisable:
 * only then does the caller read the incident back to see whether the write landed. Batched: one round trip
 * per incident to prepare its writes (with the incident itself, see `mirrorIncidentPreparingWrites`), and one
 * per page of incidents to record those that landed (`recordWritesDone`).
 */
export class IncidentWrites {
  constructor(private readonly db: Queryable, private readonly incidentId: string) {}

  /**
   * In one round trip: the state of each origin already recorded (notes and attachments alike), and every
   * other one recorded as pending (about to be sent).
   */
  async prepare(notes: PendingNote[], attachments: PendingAttachment[]): Promise<Map<string, WriteState>> {
    if (notes.length === 0 && attachments.length === 0) return new Map();
    const [row] = await this.db.query(`WITH target AS (SELECT $1::uuid AS id)${prepareWritesSql(2)}`, [this.incidentId, ...pendingParameters(notes, attachments)]);
    return knownStates(row.known);
  }
}

/** What landed on one incident (see `recordWritesDone`). */
export interface IncidentWritesDone {
  incidentId: string;
  notes: WrittenNote[];
  attachments: WrittenAttachment[];
}

/**
 * Records writes that landed, with the vendor's ids, for many incidents in one round trip (a page of synced
 * tickets). Until it runs they stay pending, which is safe: a pending write is looked up on the incident
 * before it would be sent again.
 */
export async function recordWritesDone(db: Queryable, batches: IncidentWritesDone[]): Promise<void> {
  const notes = batches.flatMap((b) => b.notes.map((n) => ({ incident_id: b.incidentId, origin_key: n.originKey, external_id: n.externalId, body: n.body })));
  const attachments = batches.flatMap((b) => b.attachments.map((a) => ({
    incident_id: b.incidentId, origin_key: a.originKey, external_id: a.externalId, size: a.size, content_type: a.contentType,
  })));
  if (notes.length === 0 && attachments.length === 0) return;
  await db.query(
    `WITH notes AS (
       UPDATE incident_note n SET external_id = d.external_id, body = CASE WHEN d.body = '' THEN n.body ELSE d.body END
       FROM jsonb_to_recordset($1::jsonb) AS d(incident_id uuid, origin_key text, external_id text, body text)
       WHERE n.incident_id = d.incident_id AND n.origin_key = d.origin_key
     )
     UPDATE attachment a SET external_id = d.external_id, size = d.size, content_type = COALESCE(d.content_type, a.content_type)
     FROM jsonb_to_recordset($2::jsonb) AS d(incident_id uuid, origin_key text, external_id text, size int, content_type text)
     WHERE a.incident_id = d.incident_id AND a.origin_key = d.origin_key`,
    [JSON.stringify(notes), JSON.stringify(attachments)]);
}

/**
 * The tail of a statement that prepares writes on the incident of its `target` CTE (`id`), parameters from
 * `$first` on (see `pendingParameters`). Answers one row: the target's columns, and `known`, the origins recorded before this
 * statement as [origin_key, done] pairs; the others are now recorded as pending.
 */
export function prepareWritesSql(first: number): string {
  const [notes, attachments, keys] = [`$${first}`, `$${first + 1}`, `$${first + 2}`];
  return `, known AS (
  SELECT n.origin_key, n.external_id IS NOT NULL AS done FROM incident_note n, target WHERE n.incident_id = target.id AND n.origin_key = ANY(${keys}::text[])
  UNION ALL
  SELECT a.origin_key, a.external_id NOT LIKE 'pending:%' FROM attachment a, target WHERE a.incident_id = target.id AND a.origin_key = ANY(${keys}::text[])
), pending_notes AS (
  INSERT INTO incident_note (incident_id, origin_key, external_id, body, created_at)
  SELECT target.id, n.origin_key, NULL, '', n.created_at FROM target, jsonb_to_recordset(${notes}::jsonb) AS n(origin_key text, created_at timestamptz)
  WHERE n.origin_key NOT IN (SELECT origin_key FROM known)
  ON CONFLICT DO NOTHING
), pending_attachments AS (
  INSERT INTO attachment (incident_id, external_id, origin_key, name)
  SELECT target.id, 'pending:' || a.origin_key, a.origin_key, a.name FROM target, jsonb_to_recordset(${attachments}::jsonb) AS a(origin_key text, name text)
  WHERE a.origin_key NOT IN (SELECT origin_key FROM known)
  ON CONFLICT DO NOTHING
)
SELECT target.*, (SELECT COALESCE(json_agg(json_build_array(origin_key, done)), '[]') FROM known) AS known FROM target`;
}

/** The parameters of `prepareWritesSql`: pending notes, pending attachments, all their origin keys. */
export function pendingParameters(notes: PendingNote[], attachments: PendingAttachment[]): unknown[] {
  return [
    JSON.stringify(notes.map((n) => ({ origin_key: n.originKey, created_at: n.createdAt }))),
    JSON.stringify(attachments.map((a) => ({ origin_key: a.originKey, name: a.name }))),
    [...notes.map((n) => n.originKey), ...attachments.map((a) => a.originKey)],
  ];
}

/** `known` as answered by `prepareWritesSql`. */
export function knownStates(pairs: Array<[string, boolean]> | string): Map<string, WriteState> {
  const list = typeof pairs === 'string' ? JSON.parse(pairs) as Array<[string, boolean]> : pairs;
  return new Map(list.map(([key, done]) => [key, done ? 'done' : 'pending']));
}
