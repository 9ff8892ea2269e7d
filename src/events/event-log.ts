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
/** The largest NOTIFY payload sent (PostgreSQL's limit is 8,000 bytes). */
const NOTIFY_PAYLOAD_BYTES = 7_900;
/** Serialises cursor assignment with commit order (see SyncEventEntity). */
const CURSOR_LOCK = 727274002;

/** Callers' events written in one transaction at most (the rest wait for the next). */
const MAX_PUBLISH_BATCH = 500;

const COLUMNS = 'cursor::text AS cursor, kind, at, vendor, subject_id, message, details';

interface PendingPublish {
  list: SyncEventInput[];
  resolve: (saved: SyncEventEntity[]) => void;
  reject: (error: Error) => void;
}

/** Something that runs SQL: the pool, or one client (the tailer's own connection). */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.Client, 'query'>;

/**
 * The durable event log. `publish` writes events (one short transaction that assigns cursors in commit
 * order), then wakes the tailers of every replica (this one included) through NOTIFY at that commit. Calls
 * made while a write is in flight wait and leave together in the next one (group commit): at most one
 * transaction per replica waits on the cursor lock and holds a pool connection, however many callers publish.
 */
export class EventLog {
  private readonly waiting: PendingPublish[] = [];
  private writing = false;

  constructor(private readonly dataSource: DataSource) {}

  publish(events: SyncEventInput | SyncEventInput[]): Promise<SyncEventEntity[]> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ list, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
  }

  /** Events after a cursor, oldest first, matching the filter (on `client` when given, else the pool). */
  async after(cursor: string, filter: SyncEventFilter, limit: number, client: Queryable = poolOf(this.dataSource)): Promise<SyncEventEntity[]> {
    const params: unknown[] = [cursor];
    let where = 'cursor > $1';
    if (filter.kinds?.length) where += ` AND kind = ANY($${params.push(filter.kinds)})`;
    if (filter.vendor) where += ` AND vendor = $${params.push(filter.vendor)}`;
    if (filter.subjectId) where += ` AND subject_id = $${params.push(filter.subjectId)}`;
    // `sync_event.cursor`: a bare `cursor` would sort by the text column of the same name.
    const result = await client.query(`SELECT ${COLUMNS} FROM sync_event WHERE ${where} ORDER BY sync_event.cursor LIMIT $${params.push(limit)}`, params);
    return result.rows.map(toEntity);
  }

  async latestCursor(): Promise<string> {
    const [row] = await this.dataSource.query('SELECT COALESCE(MAX(cursor), 0)::text AS cursor FROM sync_event');
    return row.cursor as string;
  }

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch: PendingPublish[] = [];
        let count = 0;
        while (this.waiting.length > 0 && (batch.length === 0 || count + this.waiting[0].list.length <= MAX_PUBLISH_BATCH)) {
          const next = this.waiting.shift()!;
          batch.push(next);
          count += next.list.length;
        }
        try {
          const saved = await this.insert(batch.flatMap((p) => p.list));
          let from = 0;
          for (const pending of batch) {
            pending.resolve(saved.slice(from, from + pending.list.length));
            from += pending.list.length;
          }
        } catch (error) {
          // One caller's bad event must not fail the others: alone, each gets its own outcome.
          if (batch.length === 1) batch[0].reject(error as Error);
          else for (const pending of batch) await this.insert(pending.list).then(pending.resolve, pending.reject);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** One transaction: cursors in list order, under the lock that makes cursor order commit order. */
  private async insert(list: SyncEventInput[]): Promise<SyncEventEntity[]> {
    const payload = JSON.stringify(list.map((e) => ({
      kind: e.kind, vendor: e.vendor ?? null, subject_id: e.subjectId ?? null, message: e.message, details: e.details ?? {},
    })));
    // One simple-protocol round trip; its statements run as one transaction, so the advisory lock is held
    // until the events commit (cursor order = commit order), and NOTIFY goes out at that commit. Under the
    // lock this transaction's cursors are the sequence's last list.length values; the NOTIFY carries those
    // events when they fit (tailers then need not read them back), else nothing (tailers read the table).
    const sql = `SELECT pg_advisory_xact_lock(${CURSOR_LOCK});
      INSERT INTO sync_event (kind, vendor, subject_id, message, details)
        SELECT e->>'kind', e->>'vendor', e->>'subject_id', e->>'message', e->'details'
        FROM jsonb_array_elements(${escapeLiteral(payload)}::jsonb) WITH ORDINALITY AS list(e, n)
        ORDER BY n
        RETURNING ${COLUMNS};
      ${notifyStatement(list.length)};`;
    const results = await poolOf(this.dataSource).query(sql) as unknown as pg.QueryResult[];
    const saved = results[1].rows.map(toEntity).sort((a, b) => (BigInt(a.cursor) < BigInt(b.cursor) ? -1 : 1));
    for (const event of saved) eventsPublished.inc({ kind: event.kind });
    return saved;
  }
}

/**
 * The NOTIFY of a publish: the transaction's own events (the sequence's last `count` values, under the cursor
 * lock) as JSON when they fit, else an empty payload (tailers then read the table). The bound is a scalar
 * subquery, computed once: `currval()` is volatile, so compared directly it is evaluated per row and the index
 * cannot bound the read: every publish read the whole log (8 ms per publish at ~20,000 events, growing with it).
 */
export function notifyStatement(count: number): string {
  return `SELECT pg_notify('${NOTIFY_CHANNEL}', COALESCE((
        SELECT CASE WHEN octet_length(j) <= ${NOTIFY_PAYLOAD_BYTES} THEN j END FROM (
          SELECT json_agg(json_build_object('cursor', cursor::text, 'kind', kind, 'at', at, 'vendor', vendor,
            'subject_id', subject_id, 'message', message, 'details', details) ORDER BY cursor)::text AS j
          FROM sync_event WHERE cursor > (SELECT currval(pg_get_serial_sequence('sync_event', 'cursor')) - ${count})) AS batch), ''))`;
}

/** The events a NOTIFY carries (empty: it carried none, read the table). */
export function eventsOfNotification(payload: string | undefined): SyncEventEntity[] {
  if (!payload) return [];
  return (JSON.parse(payload) as Array<Record<string, unknown>>).map(toEntity);
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
