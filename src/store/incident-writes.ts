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
 * only then does the caller read the incident back to see whether the write landed. Batched: three round
 * trips per incident, however many notes and attachments.
 */
export class IncidentWrites {
  constructor(private readonly db: Queryable, private readonly incidentId: string) {}

  /** The state of each origin already recorded (notes and attachments alike). */
  async known(originKeys: string[]): Promise<Map<string, WriteState>> {
    if (originKeys.length === 0) return new Map();
    const rows = await this.db.query(
      `SELECT origin_key, external_id IS NOT NULL AS done FROM incident_note WHERE incident_id = $1 AND origin_key = ANY($2)
       UNION ALL
       SELECT origin_key, external_id NOT LIKE 'pending:%' FROM attachment WHERE incident_id = $1 AND origin_key = ANY($2)`,
      [this.incidentId, originKeys]);
    return new Map(rows.map((r: { origin_key: string; done: boolean }) => [r.origin_key, r.done ? 'done' : 'pending']));
  }

  /** Records writes about to be sent. */
  async pending(notes: PendingNote[], attachments: PendingAttachment[]): Promise<void> {
    if (notes.length === 0 && attachments.length === 0) return;
    await this.db.query(
      `WITH notes AS (
         INSERT INTO incident_note (incident_id, origin_key, external_id, body, created_at)
         SELECT $1, n.origin_key, NULL, '', n.created_at FROM jsonb_to_recordset($2::jsonb) AS n(origin_key text, created_at timestamptz)
         ON CONFLICT DO NOTHING
       )
       INSERT INTO attachment (incident_id, external_id, origin_key, name)
       SELECT $1, 'pending:' || a.origin_key, a.origin_key, a.name FROM jsonb_to_recordset($3::jsonb) AS a(origin_key text, name text)
       ON CONFLICT DO NOTHING`,
      [this.incidentId,
        JSON.stringify(notes.map((n) => ({ origin_key: n.originKey, created_at: n.createdAt }))),
        JSON.stringify(attachments.map((a) => ({ origin_key: a.originKey, name: a.name })))]);
  }

  /** Records writes that landed, with the vendor's ids. */
  async done(notes: WrittenNote[], attachments: WrittenAttachment[]): Promise<void> {
    if (notes.length === 0 && attachments.length === 0) return;
    await this.db.query(
      `WITH notes AS (
         UPDATE incident_note n SET external_id = d.external_id, body = CASE WHEN d.body = '' THEN n.body ELSE d.body END
         FROM jsonb_to_recordset($2::jsonb) AS d(origin_key text, external_id text, body text)
         WHERE n.incident_id = $1 AND n.origin_key = d.origin_key
       )
       UPDATE attachment a SET external_id = d.external_id, size = d.size, content_type = COALESCE(d.content_type, a.content_type)
       FROM jsonb_to_recordset($3::jsonb) AS d(origin_key text, external_id text, size int, content_type text)
       WHERE a.incident_id = $1 AND a.origin_key = d.origin_key`,
      [this.incidentId,
        JSON.stringify(notes.map((n) => ({ origin_key: n.originKey, external_id: n.externalId, body: n.body }))),
        JSON.stringify(attachments.map((a) => ({ origin_key: a.originKey, external_id: a.externalId, size: a.size, content_type: a.contentType })))]);
  }
}
