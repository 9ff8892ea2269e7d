import pg, { escapeLiteral } from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from '../db/data-source.js';
import type { Vendor } from '../domain/vendor.js';
import { eventsPublished } from '../observability/metrics.js';
import { SyncEventEntity } from '../store/entities/index.js';
import type { SyncEventKind } from './sync-event-kind.js';

export interface SyncEventInput {
  kind: SyncEventKind;
  vendor?: Vendor | null;
  /** Global id of what the event is about. */
  subjectId?: string | null;
  message: string;
  details?: Record<string, unknown>;
}

export interface SyncEventFilter {
  kinds?: SyncEventKind[] | null;
  vendor?: Vendor | null;
  /** Only the events about one object (its global id: a ticket, an incident, a source, …). */
  subjectId?: string | null;
}

export const NOTIFY_CHANNEL = 'socgraph_sync_events';
/** Serialises cursor assignment with commit order (see SyncEventEntity). */
const CURSOR_LOCK = 727274002;

/**
 * The durable event log. `publish` writes events (one short transaction that assigns cursors in commit
 * order), then wakes the tailers of every replica (this one included) through NOTIFY at that commit.
 */
export class EventLog {
  constructor(private readonly dataSource: DataSource) {}

  async publish(events: SyncEventInput | SyncEventInput[]): Promise<SyncEventEntity[]> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return [];
    const payload = JSON.stringify(list.map((e) => ({
      kind: e.kind, vendor: e.vendor ?? null, subject_id: e.subjectId ?? null, message: e.message, details: e.details ?? {},
    })));
    // One simple-protocol round trip; its statements run as one transaction, so the advisory lock is held
    // until the events commit (cursor order = commit order), and NOTIFY goes out at that commit.
    const sql = `SELECT pg_advisory_xact_lock(${CURSOR_LOCK});
      INSERT INTO sync_event (kind, vendor, subject_id, message, details)
        SELECT kind, vendor, subject_id, message, details
        FROM jsonb_to_recordset(${escapeLiteral(payload)}::jsonb) AS e(kind text, vendor text, subject_id text, message text, details jsonb)
        RETURNING cursor::text AS cursor, kind, at, vendor, subject_id, message, details;
      SELECT pg_notify('${NOTIFY_CHANNEL}', '');`;
    const results = await poolOf(this.dataSource).query(sql) as unknown as pg.QueryResult[];
    const saved = results[1].rows.map(toEntity).sort((a, b) => (BigInt(a.cursor) < BigInt(b.cursor) ? -1 : 1));
    for (const event of saved) eventsPublished.inc({ kind: event.kind });
    return saved;
  }

  /** Events after a cursor, oldest first, matching the filter. */
  async after(cursor: string, filter: SyncEventFilter, limit: number): Promise<SyncEventEntity[]> {
    const query = this.dataSource.getRepository(SyncEventEntity).createQueryBuilder('e')
      .where('e.cursor > :cursor', { cursor })
      .orderBy('e.cursor', 'ASC')
      .limit(limit);
    if (filter.kinds?.length) query.andWhere('e.kind IN (:...kinds)', { kinds: filter.kinds });
    if (filter.vendor) query.andWhere('e.vendor = :vendor', { vendor: filter.vendor });
    if (filter.subjectId) query.andWhere('e.subject_id = :subjectId', { subjectId: filter.subjectId });
    return query.getMany();
  }

  async latestCursor(): Promise<string> {
    const [row] = await this.dataSource.query('SELECT COALESCE(MAX(cursor), 0)::text AS cursor FROM sync_event');
    return row.cursor as string;
  }
}

function toEntity(raw: Record<string, unknown>): SyncEventEntity {
  return Object.assign(new SyncEventEntity(), {
    cursor: String(raw.cursor),
    kind: raw.kind as string,
    at: new Date(raw.at as string),
    vendor: (raw.vendor as Vendor | null) ?? null,
    subjectId: (raw.subject_id as string | null) ?? null,
    message: raw.message as string,
    details: (raw.details as Record<string, unknown>) ?? {},
  });
}

/** A SyncEvent.cursor as clients pass it back (`after`): a positive bigint in decimal. */
export function isEventCursor(value: string): boolean {
  return /^\d{1,19}$/.test(value);
}

export function matches(event: SyncEventEntity, filter: SyncEventFilter): boolean {
  return (!filter.kinds?.length || filter.kinds.includes(event.kind as SyncEventKind)) &&
    (!filter.vendor || event.vendor === filter.vendor) &&
    (!filter.subjectId || event.subjectId === filter.subjectId);
}
