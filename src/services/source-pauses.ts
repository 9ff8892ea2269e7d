import pg from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from '../db/data-source.js';
import { QuotaScheduler } from '../enrichment/quota-scheduler.js';
import { quotaWindows } from '../enrichment/quota-windows.js';
import { childLogger } from '../observability/logger.js';

/** Where a replica tells the others a source is paused (payload: `{ source, waitMs }`). */
export const PAUSE_CHANNEL = 'socgraph_source_pause';
/** Safety net: every replica re-reads the pauses this often (a lost LISTEN connection). */
const REFRESH_MS = 2_000;
/** A shared backoff (429 without Retry-After) starts here and doubles per 429 while they keep coming. */
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_LIMIT_MS = 60_000;
/** 429s further apart than this start the backoff again from its first step. */
const STRIKE_MEMORY_MS = 60_000;
/** No announced wait is taken beyond this (a broken header must not silence a source for days). */
const PAUSE_LIMIT_MS = 60 * 60_000;

/**
 * Which sources a vendor's 429 has paused, shared by every replica: after a 429 no call to the source starts
 * anywhere before the pause ends (its own retry included: it waits for the same instant). The pause is the quota
 * scheduler's per-source block (`enrichment_quota.blocked_until`, keyed by the source's name, the row the
 * enrichment quota of that source honours too), so there is one "blocked until" per source, not two.
 *
 * The hot path never touches the database: each replica keeps the pauses in memory; the replica that got the 429
 * sets its own at once, writes the block and NOTIFYs the others, and every replica re-reads the
 * blocks every REFRESH_MS as a safety net. Times travel as "milliseconds from now" measured on the database's
 * clock, so replicas' clocks need not agree.
 */
export class SourcePauses {
  private readonly until = new Map<string, number>();
  private readonly strikes = new Map<string, { count: number; at: number }>();
  private readonly scheduler: QuotaScheduler;
  private readonly pool: pg.Pool;
  private readonly log = childLogger({ component: 'source-pauses' });
  private listenClient?: pg.Client;
  private refresher?: NodeJS.Timeout;
  private stopped = false;

  constructor(dataSource: DataSource, private readonly listenUrl: string | null) {
    this.pool = poolOf(dataSource);
    this.scheduler = new QuotaScheduler(dataSource, { windows: quotaWindows() });
  }

  async start(): Promise<void> {
    await this.refresh();
    if (this.listenUrl) await this.listen();
    this.refresher = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.refresher.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.refresher);
    await this.listenClient?.end().catch(() => undefined);
  }

  /** Milliseconds until calls to `source` may start again; 0 when they may now. */
  remainingMs(source: string): number {
    const until = this.until.get(source);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left > 0) return left;
    this.until.delete(source);
    return 0;
  }

  /**
   * The vendor answered 429: pauses the source on every replica for `waitMs` (its Retry-After), or, when it said
   * nothing, for a backoff that doubles with each 429 in a row. Takes effect in this process before it returns;
   * the write and the notice to other replicas follow. Returns the pause taken.
   */
  pause(source: string, waitMs: number | null, reason: string): number {
    const now = Date.now();
    let wait = waitMs;
    if (wait === null) {
      const last = this.strikes.get(source);
      const count = last && now - last.at < STRIKE_MEMORY_MS ? last.count + 1 : 1;
      this.strikes.set(source, { count, at: now });
      wait = Math.min(BACKOFF_LIMIT_MS, BACKOFF_FIRST_MS * 2 ** (count - 1));
    }
    wait = Math.max(0, Math.min(PAUSE_LIMIT_MS, Math.ceil(wait)));
    this.extend(source, now + wait);
    this.log.warn({ source, pauseMs: wait, reason }, 'vendor rate limit: every call to the source waits');
    void this.share(source, wait, reason)
      .catch((error: Error) => this.log.warn({ err: error, source }, 'could not share a source pause with other replicas'));
    return wait;
  }

  private extend(source: string, until: number): void {
    if (until > (this.until.get(source) ?? 0)) this.until.set(source, until);
  }

  private async share(source: string, waitMs: number, reason: string): Promise<void> {
    await this.scheduler.block(source, waitMs, reason);
    if (this.listenUrl) await this.pool.query('SELECT pg_notify($1, $2)', [PAUSE_CHANNEL, JSON.stringify({ source, waitMs })]);
  }

  /** Reads every block still running (another replica's, or one from before a restart). */
  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const { rows } = await this.pool.query<{ source: string; left_ms: number }>(
      `SELECT source, (EXTRACT(EPOCH FROM blocked_until - clock_timestamp()) * 1000)::float8 AS left_ms
         FROM enrichment_quota WHERE blocked_until > clock_timestamp()`);
    const now = Date.now();
    for (const row of rows) this.extend(row.source, now + Number(row.left_ms));
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.listenUrl! });
    client.on('notification', (message) => {
      try {
        const { source, waitMs } = JSON.parse(message.payload ?? '') as { source: string; waitMs: number };
        if (typeof source === 'string' && Number.isFinite(waitMs)) this.extend(source, Date.now() + waitMs);
      } catch {
        // not ours
      }
    });
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'LISTEN connection for source pauses lost; reconnecting');
      this.listenClient = undefined;
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 1_000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${PAUSE_CHANNEL}`);
    this.listenClient = client;
  }
}
