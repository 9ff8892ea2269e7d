import type { Vendor } from '../domain/vendor.js';
import type { Logger } from 'pino';

/** What a job run gets: its identity, its durable cursor, a shutdown signal and a logger. */
export interface JobContext {
  runId: string;
  attempt: number;
  trigger: 'SCHEDULE' | 'MANUAL';
  /** Aborted on shutdown: stop at the next safe point; the job resumes from its cursor next time. */
  signal: AbortSignal;
  log: Logger;
  /** The job's stored position (e.g. the last polled timestamp), JSON. */
  getCursor<T = Record<string, unknown>>(): Promise<T | null>;
  setCursor(cursor: Record<string, unknown>): Promise<void>;
  /**
   * How far the run got: items done so far and, when known, how many there are to do. Cheap (call it per item):
   * stored on the run, a JOB_PROGRESS event, an info log line and /metrics follow, throttled.
   */
  reportProgress(update: { done: number; total?: number | null }): void;
}

/** A background job: a vendor poller or sync. Scheduled on an interval, retried with backoff, one replica at a time. */
export interface JobDefinition {
  name: string;
  description: string;
  /** Default seconds between scheduled runs; `0` = only on demand. Config `jobs.<name>.intervalSeconds` overrides. */
  intervalSeconds: number;
  /**
   * The vendors whose sources this job polls: the job runs at the shortest poll interval of their enabled
   * sources (ADMIN changes through `updateSource` apply live), unless config `jobs.<name>.intervalSeconds` pins it.
   */
  pollsVendors?: Vendor[];
  /** Attempts after a failed run before giving up until the next tick. */
  retryLimit?: number;
  run(context: JobContext): Promise<Record<string, unknown> | void>;
}
