import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type JobRunState = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
export type JobTrigger = 'SCHEDULE' | 'MANUAL';

/** One execution attempt of a job. */
@Entity({ name: 'job_run' })
@Index('ix_job_run_job', ['jobName', 'queuedAt'])
@Index('uq_job_run_queue_job', ['queueJobId'], { unique: true, where: 'queue_job_id IS NOT NULL' })
export class JobRunEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'job_name', type: 'text' }) jobName: string;
  @Column({ type: 'text' }) trigger: JobTrigger;
  @Column({ type: 'text' }) state: JobRunState;
  @Column({ type: 'int', default: 1 }) attempt: number;
  @Column({ name: 'queued_at', type: 'timestamptz', default: () => 'now()' }) queuedAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ type: 'jsonb', nullable: true }) output: Record<string, unknown> | null;
  /** How far the run got: `{ done, total, ratePerSecond, updatedAt }` (see jobs/run-progress.ts). */
  @Column({ type: 'jsonb', nullable: true }) progress: Record<string, unknown> | null;
  @Column({ name: 'queue_job_id', type: 'text', nullable: true }) queueJobId: string | null;
}
