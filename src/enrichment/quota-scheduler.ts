import pg, { escapeLiteral } from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from '../db/data-source.js';
import type { QuotaBudget } from '../domain/enrichment.js';
import { abortError, QuotaUnavailableError } from './quota-errors.js';
import type { QuotaWindows } from './quota-windows.js';

/** A reserved call (or `units` calls) against one provider source's budget. */
export interface QuotaSlot {
  source: string;
  units: number;
  /** Its row in enrichment_quota_slot. */
  slotId: string;
}

export interface QuotaSchedulerOptions {
  windows: QuotaWindows;
  /**
   * How long after its last heartbeat a reservation whose call never reported back (its replica crashed) still
   * counts as in flight. Replicas refresh their calls' heartbeats every third of it. Default 30 s.
   */
  leaseMs?: number;
  /** A 429 block longer than this fails the look-up instead of waiting. Default a quarter of the hour window. */
  maxBlockWaitMs?: number;
  /** Waiting requests of one source served by one reservation transaction at most. Default 64. */
  maxBatch?: number;
}

/** Skip the reservation when this provider's fresh answer for the indicator exists (fetched since `since`, if given). */
export interface AnsweredCheck {
  indicatorId: string;
  provider: string;
  since: Date | null;
}

/** What a reservation came to: a slot; the same subject already in flight elsewhere; or an answer stored meanwhile. */
export type Reservation = { slot: QuotaSlot } | { inFlightElsewhere: true } | { answered: string };

interface Waiter {
  budget: QuotaBudget;
  units: number;
  subject: string | null;
  answered?: AnsweredCheck;
  signal?: AbortSignal;
  settled: boolean;
  resolve(reservation: Reservation): void;
  reject(error: unknown): void;
  detach(): void;
}

type Verdict = { waiter: Waiter; reservation: Reservation } | { waiter: Waiter; error: unknown };

/**
 * The per-provider quota shared by every replica through Postgres. Requests for one source queue here first in,
 * first out; a drain loop serves the queue in batches, each one short transaction that locks the source's
 * `enrichment_quota` row (so replicas take turns), counts the units held in each metered window and grants slots
 * to the waiting requests in order while they fit — or learns how long until the head of the queue fits, and
 * sleeps exactly that long (no polling loop).
 *
 * Windows: minute and hour are **sliding** and a slot counts from its reservation until its call ended plus the
 * window length. Whatever the alignment of the provider's own (fixed, clock-aligned) windows and whatever the call
 * latency, no provider window can then see more calls than the budget. The day window is the provider's: fixed,
 * aligned on UTC midnight, counted in the state row; a spent day budget fails the look-up at once (waiting hours
 * for midnight would hold a job run hostage) with the time it resets. A 429 block (`block`) holds every replica
 * until it ends; a block longer than maxBlockWaitMs fails the waiting look-ups.
 */
export class QuotaScheduler {
  private readonly pool: pg.Pool;
  private readonly queues = new Map<string, Waiter[]>();
  private readonly draining = new Set<string>();
  private readonly wakers = new Map<string, () => void>();
  private readonly leaseMs: number;
  private readonly maxBlockWaitMs: number;
  private readonly maxBatch: number;
  private batches = 0;
  /** Slots of this process whose call has not reported back: their heartbeats are kept fresh. */
  private readonly inFlight = new Set<string>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(dataSource: DataSource, private readonly options: QuotaSchedulerOptions) {
    this.pool = poolOf(dataSource);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxBlockWaitMs = options.maxBlockWaitMs ?? options.windows.hourMs / 4;
    this.maxBatch = options.maxBatch ?? 64;
  }

  /**
   * Waits for `units` calls of budget on `source` and reserves them for a look-up of `subject`. Does not reserve
   * when a call for the same subject is already in flight on any replica (`inFlightElsewhere`: the caller waits
   * for that answer instead of spending budget on a duplicate), nor when `answered` finds a fresh stored answer
   * (the cache re-check under the lock). Rejects with QuotaUnavailableError when the day budget is spent (or a
   * block runs past maxBlockWaitMs), and with the signal's reason as soon as it aborts.
   */
  acquire(source: string, budget: QuotaBudget, units: number, subject: string | null, signal?: AbortSignal, answered?: AnsweredCheck): Promise<Reservation> {
    for (const [limit, name] of [[budget.perMinute, 'minute'], [budget.perHour, 'hour'], [budget.perDay, 'day']] as const) {
      if (limit !== null && units > limit) {
        return Promise.reject(new QuotaUnavailableError(`${source}: one look-up needs ${units} calls, more than the ${name} budget of ${limit}`, new Date(8.64e15)));
      }
    }
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<Reservation>((resolve, reject) => {
      const queue = this.queueOf(source);
      const onAbort = () => {
        if (waiter.settled) return;
        waiter.settled = true;
        queue.splice(queue.indexOf(waiter), 1);
        if (queue.length === 0) this.wakers.get(source)?.();
        reject(abortError(signal!));
      };
      const waiter: Waiter = {
        budget, units, subject, answered, signal, settled: false, resolve, reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      void this.drain(source);
    });
  }

  /** The call ended (answered or failed): its units keep counting for one window from now. */
  async release(slot: QuotaSlot): Promise<void> {
    this.inFlight.delete(slot.slotId);
    await this.pool.query('UPDATE enrichment_quota_slot SET released_at = clock_timestamp() WHERE id = $1', [slot.slotId]);
  }

  /** Keeps the heartbeat of this process's calls in flight fresh, so other replicas see them alive. */
  private track(slotId: string): void {
    this.inFlight.add(slotId);
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      if (this.inFlight.size === 0) {
        clearInterval(this.heartbeat!);
        this.heartbeat = null;
        return;
      }
      // Slots released elsewhere (with the stored answer) drop out here.
      void this.pool.query<{ id: string }>(
        `UPDATE enrichment_quota_slot SET heartbeat_at = clock_timestamp()
          WHERE id = ANY($1::bigint[]) AND released_at IS NULL RETURNING id::text AS id`, [[...this.inFlight]])
        .then(({ rows }) => {
          const alive = new Set(rows.map((r) => r.id));
          for (const id of this.inFlight) if (!alive.has(id)) this.inFlight.delete(id);
        })
        .catch(() => undefined);
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
  }

  /** The provider answered 429: no replica calls it again before `waitMs` from now. */
  async block(source: string, waitMs: number, reason: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO enrichment_quota (source, blocked_until, block_reason)
         VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond', $3)
       ON CONFLICT (source) DO UPDATE SET
         blocked_until = GREATEST(COALESCE(enrichment_quota.blocked_until, '-infinity'), EXCLUDED.blocked_until),
         block_reason = EXCLUDED.block_reason`,
      [source, Math.ceil(waitMs), reason]);
  }

  private queueOf(source: string): Waiter[] {
    let queue = this.queues.get(source);
    if (!queue) {
      queue = [];
      this.queues.set(source, queue);
    }
    return queue;
  }

  /** Serves the source's queue until it is empty; one loop per source in this process. */
  private async drain(source: string): Promise<void> {
    if (this.draining.has(source)) return;
    this.draining.add(source);
    const queue = this.queueOf(source);
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, this.maxBatch);
        let outcome: { verdicts: Verdict[]; waitMs: number };
        try {
          outcome = await this.reserveBatch(source, batch);
        } catch (error) {
          outcome = { verdicts: batch.map((waiter) => ({ waiter, error })), waitMs: 0 };
        }
        for (const verdict of outcome.verdicts) {
          const { waiter } = verdict;
          if (waiter.settled) {
            // Aborted meanwhile: a slot granted to it is ended at once (it still counts one window, conservatively).
            if ('reservation' in verdict && 'slot' in verdict.reservation) void this.release(verdict.reservation.slot).catch(() => undefined);
            continue;
          }
          waiter.settled = true;
          waiter.detach();
          queue.splice(queue.indexOf(waiter), 1);
          if ('error' in verdict) waiter.reject(verdict.error);
          else {
            if ('slot' in verdict.reservation) this.track(verdict.reservation.slot.slotId);
            waiter.resolve(verdict.reservation);
          }
        }
        // A few ms past the computed instant, so clock rounding cannot wake us a hair early.
        if (outcome.waitMs > 0 && queue.length > 0) await this.sleep(source, outcome.waitMs + 5);
      }
    } finally {
      this.draining.delete(source);
      if (queue.length > 0) void this.drain(source);
    }
  }

  /** Sleeps, waking early when every waiter of the source has gone (aborted). */
  private sleep(source: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      // Unref'd: a wait for quota must not keep a stopping hub alive.
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakers.set(source, () => {
        this.wakers.delete(source);
        done();
      });
    });
  }

  /**
   * One transaction: grants slots to the waiters in order while they fit. Returns what each decided waiter gets
   * and, when the next one does not fit, how long until it may.
   */
  private async reserveBatch(source: string, batch: Waiter[]): Promise<{ verdicts: Verdict[]; waitMs: number }> {
    const { windows } = this.options;
    const client = await this.pool.connect();
    let open = false;
    try {
      // One round trip: open the transaction, create the state row on first use and lock it, so replicas
      // reserve one at a time per source. (Simple protocol: the source name is sent as an escaped literal.)
      const opened = await client.query(`BEGIN;
        INSERT INTO enrichment_quota (source) VALUES (${escapeLiteral(source)})
        ON CONFLICT (source) DO UPDATE SET source = EXCLUDED.source
        RETURNING blocked_until, block_reason, day_start, day_used, clock_timestamp() AS now`) as unknown as pg.QueryResult[];
      open = true;
      const state = opened[1].rows[0] as { blocked_until: Date | null; block_reason: string | null; day_start: Date | null; day_used: number; now: Date };
      const now = state.now.getTime();
      if (state.blocked_until && state.blocked_until.getTime() > now) {
        const waitMs = state.blocked_until.getTime() - now;
        if (waitMs <= this.maxBlockWaitMs) return { verdicts: [], waitMs };
        const error = new QuotaUnavailableError(
          `${source} is rate-limited until ${state.blocked_until.toISOString()} (${state.block_reason ?? '429'}); not waiting that long`, state.blocked_until);
        return { verdicts: batch.map((waiter) => ({ waiter, error })), waitMs: 0 };
      }
      // Every waiter of a source carries the source's budget; the newest settings win.
      const budget = batch[batch.length - 1].budget;
      const dayStart = Math.floor(now / windows.dayMs) * windows.dayMs;
      let dayUsed = state.day_start?.getTime() === dayStart ? state.day_used : 0;

      // A fresh statement (fresh snapshot) under the lock: units held per window, subjects in flight, answers meanwhile.
      const { rows: [usage] } = await client.query<{ minute_used: number; hour_used: number; busy: string[] | null; answered: string[] | null }>(
        `WITH held AS (
           SELECT units, subject, released_at, started_at, heartbeat_at,
                  COALESCE(released_at, LEAST($2::timestamptz, COALESCE(heartbeat_at, started_at) + $3::float8 * interval '1 millisecond')) AS ends
             FROM enrichment_quota_slot
            WHERE source = $1 AND (released_at IS NULL OR released_at > $2::timestamptz - GREATEST($4::float8, $5::float8) * interval '1 millisecond'))
         SELECT (SELECT COALESCE(SUM(units), 0)::int FROM held WHERE ends > $2::timestamptz - $4::float8 * interval '1 millisecond') AS minute_used,
                (SELECT COALESCE(SUM(units), 0)::int FROM held WHERE ends > $2::timestamptz - $5::float8 * interval '1 millisecond') AS hour_used,
                (SELECT array_agg(DISTINCT subject) FROM held
                  WHERE subject = ANY($6::text[]) AND released_at IS NULL AND COALESCE(heartbeat_at, started_at) > $2::timestamptz - $3::float8 * interval '1 millisecond') AS busy,
                (SELECT array_agg(w.i::text || ':' || e.id::text)
                   FROM unnest($7::uuid[], $8::text[], $9::timestamptz[]) WITH ORDINALITY AS w(indicator_id, provider, since, i)
                   JOIN enrichment e ON e.indicator_id = w.indicator_id AND e.provider = w.provider
                    AND e.expires_at > clock_timestamp() AND (w.since IS NULL OR e.fetched_at >= w.since)) AS answered`,
        [source, new Date(now), this.leaseMs, budget.perMinute === null ? 0 : windows.minuteMs, budget.perHour === null ? 0 : windows.hourMs,
          batch.map((w) => w.subject).filter((s): s is string => s !== null),
          batch.map((w) => w.answered?.indicatorId ?? null), batch.map((w) => w.answered?.provider ?? null), batch.map((w) => w.answered?.since ?? null)]);
      const busy = new Set(usage.busy ?? []);
      const answered = new Map((usage.answered ?? []).map((pair) => {
        const [ordinal, id] = pair.split(':');
        return [Number(ordinal) - 1, id] as const;
      }));

      const verdicts: Verdict[] = [];
      const granted: Waiter[] = [];
      let minuteUsed = usage.minute_used;
      let hourUsed = usage.hour_used;
      let blocked: Waiter | null = null;
      for (const [index, waiter] of batch.entries()) {
        const answer = answered.get(index);
        if (answer) {
          verdicts.push({ waiter, reservation: { answered: answer } });
          continue;
        }
        if (waiter.subject !== null && busy.has(waiter.subject)) {
          verdicts.push({ waiter, reservation: { inFlightElsewhere: true } });
          continue;
        }
        if (budget.perDay !== null && dayUsed + waiter.units > budget.perDay) {
          const resets = new Date(dayStart + windows.dayMs);
          verdicts.push({ waiter, error: new QuotaUnavailableError(
            `${source}: daily quota of ${budget.perDay} calls is spent; it resets at ${resets.toISOString()}`, resets) });
          continue;
        }
        const fits = (budget.perMinute === null || minuteUsed + waiter.units <= budget.perMinute)
          && (budget.perHour === null || hourUsed + waiter.units <= budget.perHour);
        if (!fits) {
          // First in, first out: the rest of the queue waits behind this one.
          blocked = waiter;
          break;
        }
        minuteUsed += waiter.units;
        hourUsed += waiter.units;
        dayUsed += waiter.units;
        granted.push(waiter);
        // The same subject twice in one batch (a forced and a cached look-up): the second waits for the first.
        if (waiter.subject !== null) busy.add(waiter.subject);
      }

      if (granted.length > 0) {
        const { rows } = await client.query<{ id: string }>(
          `WITH slots AS (
             INSERT INTO enrichment_quota_slot (source, units, subject, started_at)
               SELECT $1, units, subject, $4 FROM unnest($2::int[], $3::text[]) WITH ORDINALITY AS t(units, subject, i) ORDER BY i
             RETURNING id),
           day AS (UPDATE enrichment_quota SET day_start = $5, day_used = $6 WHERE source = $1)
           SELECT id::text AS id FROM slots ORDER BY slots.id`,
          [source, granted.map((w) => w.units), granted.map((w) => w.subject), new Date(now), new Date(dayStart), dayUsed]);
        // Ids follow insertion order.
        granted.forEach((waiter, i) => verdicts.push({ waiter, reservation: { slot: { source, units: waiter.units, slotId: rows[i].id } } }));
      }
      let waitMs = 0;
      if (blocked) {
        const over = ([[budget.perMinute, windows.minuteMs, minuteUsed], [budget.perHour, windows.hourMs, hourUsed]] as const)
          .filter(([limit, , used]) => limit !== null && used + blocked!.units > limit) as Array<readonly [number, number, number]>;
        waitMs = await this.waitForWindows(client, source, now, blocked.units, over);
      }
      await client.query('COMMIT');
      open = false;
      if (++this.batches % 64 === 0) this.prune(source, now);
      return { verdicts, waitMs };
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  /** Forgets slots that can no longer count in any window. */
  private prune(source: string, now: number): void {
    const keepMs = Math.max(this.options.windows.minuteMs, this.options.windows.hourMs) + this.leaseMs;
    void this.pool.query(
      `DELETE FROM enrichment_quota_slot WHERE source = $1 AND started_at < $2::timestamptz - $3 * interval '1 millisecond'
         AND COALESCE(released_at, COALESCE(heartbeat_at, started_at) + $4 * interval '1 millisecond') < $2::timestamptz - $3 * interval '1 millisecond'`,
      [source, new Date(now), keepMs, this.leaseMs]).catch(() => undefined);
  }

  /**
   * How long until enough held units leave each window that is over budget (`over`: limit, length, units held).
   * A slot is held until its call ended + the window (in flight: until now + the window, or its lease past the last
   * heartbeat if the replica that took it died), so the wait is exact for answered calls and a lower bound for calls in flight.
   */
  private async waitForWindows(client: pg.PoolClient, source: string, now: number, units: number, over: ReadonlyArray<readonly [number, number, number]>): Promise<number> {
    let wait = 0;
    for (const [limit, windowMs, used] of over) {
      const excess = used + units - limit;
      // The end of the held slot at which `excess` units have left this window.
      const { rows } = await client.query<{ end_ms: string }>(
        `SELECT (EXTRACT(EPOCH FROM ends) * 1000)::float8::text AS end_ms FROM (
           SELECT ends, SUM(units) OVER (ORDER BY ends, id) AS freed FROM (
             SELECT id, units, COALESCE(released_at, LEAST($2::timestamptz, COALESCE(heartbeat_at, started_at) + $3 * interval '1 millisecond')) AS ends
               FROM enrichment_quota_slot WHERE source = $1) h
            WHERE ends > $2::timestamptz - $4 * interval '1 millisecond') w
          WHERE freed >= $5 ORDER BY ends LIMIT 1`,
        [source, new Date(now), this.leaseMs, windowMs, excess]);
      const end = rows[0] ? Number(rows[0].end_ms) : now;
      wait = Math.max(wait, end + windowMs - now);
    }
    return Math.max(1, Math.ceil(wait));
  }
}
