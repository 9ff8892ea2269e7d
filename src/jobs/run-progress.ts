import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventLog } from '../events/event-log.js';
import { SyncEventKind } from '../events/sync-event-kind.js';
import { jobProgressDone, jobProgressRate, jobProgressTotal } from '../observability/metrics.js';
import { JobRunEntity } from '../store/entities/index.js';

/** How a run is getting on: stored in `job_run.progress`, shown as `JobRun.progress`. */
export interface JobProgressSnapshot {
  /** Items done so far (tickets, incidents…: the job's own unit). */
  done: number;
  /** Items known to be there to do at this point, when the vendor tells (it may grow while the run goes). */
  total: number | null;
  /** Items done per second since the run started. */
  ratePerSecond: number;
  updatedAt: string;
}

/** Minimum spacing of each output: the stored row with its JOB_PROGRESS event, the info log line. */
const STORE_EVERY_MS = 1_000;
const LOG_EVERY_MS = 5_000;

/**
 * One run's progress. `report` is cheap and may be called per item: the metrics follow at once, the stored row,
 * the `JOB_PROGRESS` event and the info log are throttled (the first report of a run goes out at once, the last
 * one with `finish`).
 */
export class RunProgress {
  private done = 0;
  private total: number | null = null;
  private readonly startedAt = Date.now();
  private lastStored = 0;
  private lastLog = 0;
  private writing: Promise<void> = Promise.resolve();
  private changed = false;
  private trailing?: NodeJS.Timeout;

  constructor(
    private readonly job: string,
    private readonly runId: string,
    private readonly dataSource: DataSource,
    private readonly events: EventLog,
    private readonly log: Logger,
  ) {
    jobProgressDone.set({ job }, 0);
    jobProgressTotal.set({ job }, 0);
    jobProgressRate.set({ job }, 0);
  }

  report(update: { done: number; total?: number | null }): void {
    this.done = Math.max(0, update.done);
    if (update.total !== undefined) this.total = update.total;
    if (this.total !== null && this.done > this.total) this.total = this.done;
    this.changed = true;
    const snapshot = this.snapshot();
    jobProgressDone.set({ job: this.job }, snapshot.done);
    jobProgressTotal.set({ job: this.job }, snapshot.total ?? 0);
    jobProgressRate.set({ job: this.job }, snapshot.ratePerSecond);
    const now = Date.now();
    if (now - this.lastStored >= STORE_EVERY_MS) this.flush(now, false);
    else if (!this.trailing) {
      // A run that goes quiet after a burst still shows its latest figures within a second.
      this.trailing = setTimeout(() => {
        this.trailing = undefined;
        if (this.changed) this.flush(Date.now(), false);
      }, STORE_EVERY_MS - (now - this.lastStored));
      this.trailing.unref();
    }
  }

  snapshot(): JobProgressSnapshot {
    const seconds = Math.max(0.001, (Date.now() - this.startedAt) / 1000);
    return { done: this.done, total: this.total, ratePerSecond: Math.round((this.done / seconds) * 10) / 10, updatedAt: new Date().toISOString() };
  }

  /** Writes the last figures (call once the run ends); resolves when every pending write is done. */
  async finish(): Promise<JobProgressSnapshot | null> {
    clearTimeout(this.trailing);
    this.trailing = undefined;
    if (this.changed) this.flush(Date.now(), true);
    await this.writing;
    return this.lastStored ? this.snapshot() : null;
  }

  private flush(now: number, final: boolean): void {
    this.changed = false;
    this.lastStored = now;
    const snapshot = this.snapshot();
    const log = final || now - this.lastLog >= LOG_EVERY_MS;
    if (log) {
      this.lastLog = now;
      this.log.info({ progress: snapshot }, `${this.job}: ${snapshot.done}${snapshot.total === null ? '' : ` of ${snapshot.total}`} done (${snapshot.ratePerSecond}/s)`);
    }
    // Writes go one after another so an older figure never lands after a newer one.
    this.writing = this.writing.then(async () => {
      await this.dataSource.getRepository(JobRunEntity).update(this.runId, { progress: snapshot as never });
      await this.events.publish({
        kind: SyncEventKind.JOB_PROGRESS,
        message: `${this.job}: ${snapshot.done}${snapshot.total === null ? '' : ` of ${snapshot.total}`} done`,
        details: { job: this.job, runId: this.runId, ...snapshot },
      });
    }).catch((error: Error) => this.log.warn({ err: error.message }, 'could not record job progress'));
  }
}
