import type pg from 'pg';
import PgBoss from 'pg-boss';
import type { DataSource } from 'typeorm';
import { poolOf } from '../db/data-source.js';
import { EventLog } from '../events/event-log.js';
import { SyncEventKind } from '../events/sync-event-kind.js';
import { childLogger } from '../observability/logger.js';
import { jobRuns } from '../observability/metrics.js';
import type { SourceRegistry } from '../services/source-registry.js';
import { JobRunEntity, JobStateEntity } from '../store/entities/index.js';
import type { JobContext, JobDefinition } from './job-definition.js';
import { RunProgress } from './run-progress.js';

/** How often each replica re-reads the sources' enabled flag and poll interval (a change made on another replica). */
const SOURCE_WATCH_MS = 5_000;
/** Advisory lock namespace of job runs (the second key is the job name's hash). */
const RUN_LOCK = 727274003;
/** How often each replica looks for runs left RUNNING by a hub that died (also done at start). */
const RECOVERY_WATCH_MS = 5_000;
/** The error of a run whose hub stopped or crashed mid-run. */
export const INTERRUPTED = 'interrupted: the hub running it stopped or crashed';

interface JobData {
  trigger: 'SCHEDULE' | 'MANUAL';
}

export interface JobStatus {
  definition: JobDefinition;
  intervalSeconds: number;
}

/**
 * Runs the hub's jobs on pg-boss. Each replica ticks every job's interval and sends with
 * `singletonSeconds`, so pg-boss keeps one job per interval slot however many replicas tick: a scheduled job
 * runs once per tick. One run of a job at a time across replicas is a Postgres advisory lock held by the
 * running replica's connection, so a replica that crashes (SIGKILL, lost host) frees it at once; pg-boss's
 * own single-active policies would keep a crashed run "active" until it expires and block the job till then.
 * Runs are recorded in `job_run`; a job's cursor lives in `job_state`.
 */
export class JobRunner {
  private readonly boss: PgBoss;
  private readonly jobs = new Map<string, JobStatus>();
  private readonly tickers = new Map<string, NodeJS.Timeout>();
  private readonly workers = new Map<string, string>();
  private readonly shutdown = new AbortController();
  private readonly log = childLogger({ component: 'jobs' });
  private started = false;
  private sourceWatch?: NodeJS.Timeout;
  private recoveryWatch?: NodeJS.Timeout;
  /** Jobs a run of which this process is executing (never taken for interrupted). */
  private readonly executing = new Map<string, number>();
  /** Jobs whose interval the config sets (`jobs.<name>.intervalSeconds`): sources do not change it. */
  private readonly pinned: Set<string>;

  constructor(
    connectionString: string,
    private readonly dataSource: DataSource,
    private readonly events: EventLog,
    definitions: JobDefinition[],
    intervals: Record<string, { intervalSeconds: number }> = {},
    /** The hub's sources: a job that polls them follows their poll interval and enabled flag. */
    private readonly sources?: SourceRegistry,
  ) {
    this.pinned = new Set(Object.keys(intervals));
    this.boss = new PgBoss({ connectionString, schema: 'pgboss', max: 4, supervise: true, schedule: false, migrate: true });
    this.boss.on('error', (error: Error) => this.log.warn({ err: error }, 'pg-boss error'));
    for (const definition of definitions) {
      this.jobs.set(definition.name, { definition, intervalSeconds: intervals[definition.name]?.intervalSeconds ?? definition.intervalSeconds });
    }
  }

  get isRunning(): boolean {
    return this.started;
  }

  list(): JobStatus[] {
    return [...this.jobs.values()];
  }

  get(name: string): JobStatus | undefined {
    return this.jobs.get(name);
  }

  async start(): Promise<void> {
    await this.boss.start();
    this.followSources();
    for (const { definition } of this.jobs.values()) {
      await this.boss.createQueue(definition.name, {
        name: definition.name,
        policy: 'standard',
        retryLimit: definition.retryLimit ?? 3,
        retryDelay: 5,
        retryBackoff: true,
        expireInSeconds: 60 * 60, // a run silent for an hour is dead; the advisory lock already let others run
      }).catch((error: Error) => {
        if (!/already exists/.test(error.message)) throw error;
      });
    }
    // Before this replica takes any job: what is RUNNING now and not locked by a live replica was left by a dead one.
    await this.recoverInterrupted();
    for (const { definition, intervalSeconds } of this.jobs.values()) {
      const workerId = await this.boss.work<JobData>(definition.name, { pollingIntervalSeconds: 0.5, batchSize: 1 },
        async ([job]) => this.execute(definition, job.id, job.data?.trigger ?? 'SCHEDULE', (job as { retryCount?: number }).retryCount ?? 0));
      this.workers.set(definition.name, workerId);
      this.schedule(definition.name, intervalSeconds);
    }
    this.started = true;
    // Another replica that dies is noticed here within a watch period, not only when it restarts.
    this.recoveryWatch = setInterval(() => {
      this.recoverInterrupted().catch((error: Error) => this.log.warn({ err: error }, 'could not look for interrupted runs'));
    }, RECOVERY_WATCH_MS);
    this.recoveryWatch.unref();
    if (this.sources) {
      // Another replica's updateSource reaches this one within a watch period, not only at its next run.
      this.sourceWatch = setInterval(() => {
        this.sources!.reload().then(() => this.followSources())
          .catch((error: Error) => this.log.warn({ err: error }, 'could not re-read the sources'));
      }, SOURCE_WATCH_MS);
      this.sourceWatch.unref();
    }
  }

  /** Stops ticking and taking jobs (see quiesce); a running job is given `timeoutMs` to finish (pg-boss re-queues it otherwise). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.quiesce();
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
  }

  /**
   * The first step of a shutdown: no more ticks, running jobs told to stop (they finish what is in hand, so a
   * run ends COMPLETED with its cursor where it got to), and `runNow` callers answered with the run as it stands.
   */
  quiesce(): void {
    clearInterval(this.sourceWatch);
    clearInterval(this.recoveryWatch);
    for (const timer of this.tickers.values()) clearInterval(timer);
    this.tickers.clear();
    this.shutdown.abort();
    this.started = false;
  }

  /**
   * Re-derives the interval of each job that polls sources (`pollsVendors`) from the enabled sources of those
   * vendors — the shortest poll interval; 0 when none polls — unless the config pins it. Called after an ADMIN
   * changes a source here, every few seconds (SOURCE_WATCH_MS: a change made on another replica), and before every run.
   */
  followSources(): void {
    if (!this.sources) return;
    for (const [name, status] of this.jobs) {
      const vendors = status.definition.pollsVendors;
      if (!vendors || this.pinned.has(name)) continue;
      const next = this.sources.pollInterval(vendors);
      if (next !== status.intervalSeconds && this.started) this.reschedule(name, next);
      else status.intervalSeconds = next;
    }
  }

  /** Changes a job's interval on this replica (0 = off). */
  reschedule(name: string, intervalSeconds: number): void {
    const status = this.jobs.get(name);
    if (!status) return;
    status.intervalSeconds = intervalSeconds;
    this.schedule(name, intervalSeconds);
  }

  /**
   * Queues a run now and waits up to `waitMs` for it to finish (after the run in progress, if any). Returns the
   * run as it stands then: finished, or still queued/running (`waitMs: 0`: at once, as soon as it is recorded).
   */
  async runNow(name: string, waitMs = 30_000): Promise<JobRunEntity> {
    if (!this.jobs.has(name)) throw new Error(`unknown job ${name}`);
    const id = await this.send(name, 'MANUAL', {});
    const worker = this.workers.get(name);
    if (worker) this.boss.notifyWorker(worker);
    const deadline = Date.now() + waitMs;
    const runs = this.dataSource.getRepository(JobRunEntity);
    for (;;) {
      const run = id
        ? await runs.findOne({ where: { queueJobId: id } })
        // The queue already held a run: follow that one (queued or running), not an older finished one.
        : await runs.findOne({ where: [{ jobName: name, state: 'QUEUED' }, { jobName: name, state: 'RUNNING' }], order: { queuedAt: 'DESC' } });
      const giveUp = Date.now() > deadline || this.shutdown.signal.aborted;
      if (run && (run.state === 'COMPLETED' || run.state === 'FAILED' || giveUp)) return run;
      if (!run && giveUp) {
        const latest = await runs.findOne({ where: { jobName: name }, order: { queuedAt: 'DESC' } });
        if (latest) return latest;
        throw new Error(`${name}: a run is queued but not yet recorded; try again`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Runs left RUNNING by a hub that died (SIGKILL, lost host) are marked FAILED (INTERRUPTED) and their job is
   * queued again at once, not at its next interval (the scheduled slot may still be taken by the dead run). A run
   * is only taken for dead when its job's run lock is free: a live replica running it holds that lock on its own
   * connection, and Postgres frees it the moment the dead one's connection goes.
   */
  async recoverInterrupted(): Promise<void> {
    const running = await this.dataSource.query<Array<{ job_name: string }>>(`SELECT DISTINCT job_name FROM job_run WHERE state = 'RUNNING'`);
    for (const { job_name: name } of running) {
      if (!this.jobs.has(name) || this.executing.has(name) || this.shutdown.signal.aborted) continue;
      const interrupted = await this.failRunsOfDeadHubs(name);
      if (interrupted.length === 0) continue;
      this.log.warn({ job: name, runs: interrupted }, 'runs interrupted by a hub that stopped or crashed; running the job again');
      for (const runId of interrupted) {
        jobRuns.inc({ job: name, state: 'FAILED' });
        await this.events.publish({ kind: SyncEventKind.JOB_FAILED, message: `${name} run ${runId} was ${INTERRUPTED}; it runs again now`, details: { job: name, runId, interrupted: true } })
          .catch(() => undefined);
      }
      // Not a scheduled tick: the dead run may hold this interval's singleton slot.
      await this.send(name, 'SCHEDULE', {});
      const worker = this.workers.get(name);
      if (worker) this.boss.notifyWorker(worker);
    }
  }

  /** Under the job's run lock, if free: its RUNNING runs belong to no live hub. Returns the ids marked FAILED. */
  private async failRunsOfDeadHubs(name: string): Promise<string[]> {
    const client = await poolOf(this.dataSource).connect();
    try {
      const [lock] = (await client.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [RUN_LOCK, name])).rows;
      if (!lock.locked) return [];
      try {
        const { rows } = await client.query<{ id: string }>(
          `UPDATE job_run SET state = 'FAILED', finished_at = now(), error = $2 WHERE job_name = $1 AND state = 'RUNNING' RETURNING id`, [name, INTERRUPTED]);
        return rows.map((row) => row.id);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [RUN_LOCK, name]);
      }
    } finally {
      client.release();
    }
  }

  private schedule(name: string, intervalSeconds: number): void {
    const existing = this.tickers.get(name);
    if (existing) clearInterval(existing);
    this.tickers.delete(name);
    if (intervalSeconds <= 0) return;
    const tick = () => {
      this.send(name, 'SCHEDULE', { singletonSeconds: intervalSeconds })
        .catch((error: Error) => this.log.warn({ err: error, job: name }, 'could not queue scheduled run'));
    };
    const timer = setInterval(tick, intervalSeconds * 1000);
    timer.unref();
    this.tickers.set(name, timer);
    tick();
  }

  /** Queues a job and records it as a QUEUED run, so `jobs` and `runJob` see it before a worker takes it. */
  private async send(name: string, trigger: JobData['trigger'], options: { singletonSeconds?: number }): Promise<string | null> {
    const id = await this.boss.send(name, { trigger } satisfies JobData, options);
    if (id) await this.recordRun(name, trigger, id);
    return id;
  }

  /** The run row of a queued job, created once whoever gets there first (sender or worker). */
  private async recordRun(jobName: string, trigger: JobData['trigger'], queueJobId: string): Promise<JobRunEntity> {
    const runs = this.dataSource.getRepository(JobRunEntity);
    await runs.createQueryBuilder().insert().values({ jobName, trigger, state: 'QUEUED', queueJobId }).orIgnore().execute();
    return (await runs.findOne({ where: { queueJobId } }))!;
  }

  private async execute(definition: JobDefinition, queueJobId: string, trigger: JobData['trigger'], retryCount: number): Promise<unknown> {
    // Taken between quiesce() and pg-boss stopping: hand it back (pg-boss retries it here after a restart, or elsewhere).
    if (this.shutdown.signal.aborted) throw new Error('the hub is shutting down; the run is retried');
    const name = definition.name;
    this.executing.set(name, (this.executing.get(name) ?? 0) + 1);
    try {
      return await this.executeWithLock(definition, queueJobId, trigger, retryCount);
    } finally {
      const left = (this.executing.get(name) ?? 1) - 1;
      if (left > 0) this.executing.set(name, left);
      else this.executing.delete(name);
    }
  }

  private async executeWithLock(definition: JobDefinition, queueJobId: string, trigger: JobData['trigger'], retryCount: number): Promise<unknown> {
    const runs = this.dataSource.getRepository(JobRunEntity);
    const lock = await this.acquireRunLock(definition.name, trigger);
    if (!lock) {
      // A scheduled tick while the job runs elsewhere: that run covers it; leave no trace of this one.
      await runs.delete({ queueJobId, state: 'QUEUED' });
      return { skipped: 'a run of this job is in progress' };
    }
    try {
      return await this.executeLocked(definition, queueJobId, trigger, retryCount);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1, hashtext($2))', [RUN_LOCK, definition.name]).catch(() => undefined);
      lock.release();
    }
  }

  /**
   * The job's run lock on a dedicated connection, or null when another replica holds it and this is a
   * scheduled tick. A manual run waits for the running one to finish.
   */
  private async acquireRunLock(name: string, trigger: JobData['trigger']): Promise<pg.PoolClient | null> {
    const client = await poolOf(this.dataSource).connect();
    try {
      for (;;) {
        const [row] = (await client.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [RUN_LOCK, name])).rows;
        if (row.locked) return client;
        if (trigger === 'SCHEDULE' || this.shutdown.signal.aborted) {
          client.release();
          return null;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch (error) {
      client.release();
      throw error;
    }
  }

  private async executeLocked(definition: JobDefinition, queueJobId: string, trigger: JobData['trigger'], retryCount: number): Promise<unknown> {
    const runs = this.dataSource.getRepository(JobRunEntity);
    if (definition.pollsVendors && this.sources) {
      // An ADMIN may have turned a source off or changed its interval on another replica.
      await this.sources.reload();
      this.followSources();
    }
    // Holding the lock, any other RUNNING run of this job belonged to a hub that stopped or crashed mid-run.
    await runs.createQueryBuilder().update().set({ state: 'FAILED', finishedAt: () => 'now()', error: INTERRUPTED })
      .where('job_name = :name AND state = :state AND queue_job_id <> :queueJobId', { name: definition.name, state: 'RUNNING', queueJobId })
      .execute();
    const run = await this.recordRun(definition.name, trigger, queueJobId);
    Object.assign(run, { state: 'RUNNING', attempt: retryCount + 1, startedAt: new Date(), finishedAt: null, error: null });
    await runs.save(run);
    await this.dataSource.getRepository(JobStateEntity).upsert({ name: definition.name, lastRunId: run.id }, ['name']);
    const log = this.log.child({ job: definition.name, run: run.id });
    const progress = new RunProgress(definition.name, run.id, this.dataSource, this.events, log);
    const context: JobContext = {
      runId: run.id,
      attempt: run.attempt,
      trigger,
      signal: this.shutdown.signal,
      log,
      getCursor: async <T>() => {
        const state = await this.dataSource.getRepository(JobStateEntity).findOne({ where: { name: definition.name } });
        return (state?.cursor ?? null) as T | null;
      },
      setCursor: async (cursor) => {
        await this.dataSource.getRepository(JobStateEntity).upsert({ name: definition.name, cursor: cursor as never }, ['name']);
      },
      reportProgress: (update) => progress.report(update),
    };
    try {
      const output = (await definition.run(context).finally(() => progress.finish())) ?? {};
      await runs.update(run.id, { state: 'COMPLETED', finishedAt: new Date(), output: output as never });
      jobRuns.inc({ job: definition.name, state: 'COMPLETED' });
      return output;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await runs.update(run.id, { state: 'FAILED', finishedAt: new Date(), error: message.slice(0, 2000) });
      jobRuns.inc({ job: definition.name, state: 'FAILED' });
      log.warn({ err: message }, 'job run failed');
      await this.events.publish({ kind: SyncEventKind.JOB_FAILED, message: `${definition.name} failed: ${message}`.slice(0, 1000), details: { job: definition.name, runId: run.id, attempt: run.attempt } })
        .catch(() => undefined);
      throw error;
    }
  }
}
