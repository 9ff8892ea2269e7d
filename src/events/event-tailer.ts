import pg from 'pg';
import type { SyncEventEntity } from '../store/entities/index.js';
import { childLogger } from '../observability/logger.js';
import { activeSubscriptions, eventsDelivered, eventsTailed } from '../observability/metrics.js';
import { EventLog, eventsOfNotification, matches, NOTIFY_CHANNEL, type SyncEventFilter } from './event-log.js';

const PAGE = 500;
/** Safety net: re-read the log this often even without a wake-up (a lost LISTEN connection, say). */
const POLL_MS = 2_000;
/** A subscriber this far behind is cut off rather than let it grow memory without bound. */
const MAX_BUFFER = 10_000;

export type EventsListener = (events: SyncEventEntity[]) => void;

/**
 * One per replica: follows the event log by cursor and fans events out to this replica's subscribers.
 * Woken by LISTEN (every replica's publishes, this one's too) and by a slow poll; always reads from the
 * table, so what a subscriber gets is what is durably stored, in cursor order. It reads on its LISTEN
 * connection (the pool while that one reconnects), so a busy pool does not hold the fan-out back.
 */
export class EventTailer {
  private position = '0';
  /** No subscriber was listening while events were written: `position` may be behind the log. */
  private stale = false;
  private readonly listeners = new Set<EventsListener>();
  private reading: Promise<void> | null = null;
  private again = false;
  /** Events NOTIFYs carried while a read was under way (null: one carried none, so read again). */
  private heldBack: SyncEventEntity[] | null = [];
  private timer?: NodeJS.Timeout;
  private listenClient?: pg.Client;
  private stopped = false;
  private readonly log = childLogger({ component: 'event-tailer' });

  constructor(private readonly eventLog: EventLog, private readonly listenUrl: string) {}

  async start(): Promise<void> {
    this.position = await this.eventLog.latestCursor();
    await this.listenForNotifications();
    this.timer = setInterval(this.wake, POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.listenClient?.end().catch(() => undefined);
    await this.reading;
  }

  /**
   * Streams events after `after` (or from now on), matching `filter`: stored ones first, then live,
   * with no gap and no repeat (both sides are keyed by cursor).
   */
  subscribe(filter: SyncEventFilter, after: string | null, signal?: AbortSignal): AsyncIterableIterator<SyncEventEntity> {
    const queue: SyncEventEntity[] = [];
    let wakeConsumer: (() => void) | null = null;
    let failure: Error | null = null;
    let done = false;
    let delivered: string | null = after;
    const listener: EventsListener = (events) => {
      for (const event of events) if (matches(event, filter)) queue.push(event);
      if (queue.length > MAX_BUFFER) failure = new Error('subscriber too slow: more than 10000 events behind');
      wakeConsumer?.();
    };
    this.listeners.add(listener);
    activeSubscriptions.inc();
    const close = () => {
      if (done) return;
      done = true;
      this.listeners.delete(listener);
      activeSubscriptions.dec();
      wakeConsumer?.();
    };
    signal?.addEventListener('abort', close, { once: true });

    const eventLog = this.eventLog;
    let replaying = after !== null;
    let replayBuffer: SyncEventEntity[] = [];
    const iterator: AsyncIterableIterator<SyncEventEntity> = {
      [Symbol.asyncIterator]() {
        return iterator;
      },
      next: async (): Promise<IteratorResult<SyncEventEntity>> => {
        // "From now on": the log's end as of subscribing (the listener is already collecting what follows).
        delivered ??= await this.currentPosition();
        for (;;) {
          if (done) return { value: undefined, done: true };
          if (failure) {
            close();
            throw failure;
          }
          if (replaying && replayBuffer.length === 0) {
            replayBuffer = await eventLog.after(delivered!, filter, PAGE);
            if (replayBuffer.length < PAGE) replaying = false;
          }
          const source = replayBuffer.length > 0 ? replayBuffer : queue;
          while (source.length > 0) {
            const event = source.shift()!;
            if (BigInt(event.cursor) <= BigInt(delivered!)) continue;
            delivered = event.cursor;
            eventsDelivered.inc();
            return { value: event, done: false };
          }
          if (replaying || queue.length > 0) continue;
          await new Promise<void>((resolve) => {
            wakeConsumer = resolve;
          });
          wakeConsumer = null;
        }
      },
      return: async (): Promise<IteratorResult<SyncEventEntity>> => {
        close();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  /**
   * Every event read from the log from now on, in cursor order, in batches (the live fan-out's groups listen
   * here, one listener per group rather than per socket). Returns the function that stops listening.
   */
  listen(listener: EventsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The cursor of the last event read from the log: what "from now on" starts after. */
  async currentCursor(): Promise<string> {
    return this.currentPosition();
  }

  /** The stored events after a cursor that match a filter, oldest first (a replay). */
  storedAfter(cursor: string, filter: SyncEventFilter, limit = PAGE): Promise<SyncEventEntity[]> {
    return this.eventLog.after(cursor, filter, limit);
  }

  private readonly wake = (): void => {
    if (this.stopped) return;
    if (this.listeners.size === 0) {
      // Nobody to deliver to: do not read the log on every write; catch up when someone subscribes.
      this.stale = true;
      return;
    }
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readNew()
      .catch((error) => this.log.warn({ err: error }, 'reading the event log failed'))
      .finally(() => {
        this.reading = null;
        const held = this.heldBack;
        this.heldBack = [];
        if (this.again) {
          this.again = false;
          // What NOTIFYs brought meanwhile goes out as it is when it follows on (no chain of reads at a steady rate).
          if (held === null || !this.handOut(held)) this.wake();
        }
      });
  };

  /**
   * A NOTIFY that carries its events and follows straight on from the last one handed out (the next cursor, no
   * read in flight) is handed out as it is: NOTIFYs arrive in commit order, which is cursor order. Anything
   * else (no events in it, a gap, a read under way) wakes a read of the table, which hands out whatever the
   * notification held in its turn.
   */
  private readonly onNotification = (message: pg.Notification): void => {
    if (this.stopped) return;
    if (this.listeners.size === 0 || this.stale) return this.wake();
    const events = this.notified(message.payload);
    if (this.reading) {
      // Kept for when the read ends; a NOTIFY without its events means that read must be followed by another.
      if (events.length === 0) this.heldBack = null;
      else this.heldBack?.push(...events);
      this.again = true;
      return;
    }
    if (events.length === 0 || !this.handOut(events)) this.wake();
  };

  /**
   * Hands out notified events (in commit order) that follow on from the last cursor handed out, each cursor the
   * next; true when nothing is left to read for them (those already handed out are skipped).
   */
  private handOut(events: SyncEventEntity[]): boolean {
    const position = BigInt(this.position);
    const fresh = events.filter((e) => BigInt(e.cursor) > position);
    if (fresh.length === 0) return true;
    for (let i = 0; i < fresh.length; i++) if (BigInt(fresh[i].cursor) !== position + BigInt(i + 1)) return false;
    this.position = fresh[fresh.length - 1].cursor;
    eventsTailed.inc({ from: 'notification' }, fresh.length);
    for (const listener of this.listeners) listener(fresh);
    return true;
  }

  private notified(payload: string | undefined): SyncEventEntity[] {
    try {
      return eventsOfNotification(payload);
    } catch (error) {
      this.log.warn({ err: error }, 'a NOTIFY payload was not a list of events; reading the table');
      return [];
    }
  }

  private async currentPosition(): Promise<string> {
    if (this.stale) {
      this.stale = false;
      const latest = await this.eventLog.latestCursor();
      if (BigInt(latest) > BigInt(this.position)) this.position = latest;
    }
    return this.position;
  }

  private async readNew(): Promise<void> {
    for (;;) {
      // On the LISTEN connection when it is up: the read never queues behind the API's queries for the pool.
      const events = await this.eventLog.after(this.position, {}, PAGE, this.listenClient);
      if (events.length === 0) return;
      const last = events[events.length - 1].cursor;
      if (BigInt(last) > BigInt(this.position)) this.position = last;
      if (this.listeners.size > 0) {
        eventsTailed.inc({ from: 'table' }, events.length);
        for (const listener of this.listeners) listener(events);
      }
      if (events.length < PAGE) return;
    }
  }

  private async listenForNotifications(): Promise<void> {
    const client = new pg.Client({ connectionString: this.listenUrl });
    client.on('notification', this.onNotification);
    client.on('error', (error) => {
      if (this.listenClient === client) this.listenClient = undefined;
      this.log.warn({ err: error }, 'LISTEN connection lost; reconnecting');
      if (!this.stopped) setTimeout(() => void this.listenForNotifications().catch(() => undefined), 1_000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.listenClient = client;
    this.wake();
  }
}
