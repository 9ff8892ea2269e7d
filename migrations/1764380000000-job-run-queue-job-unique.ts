import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One run row per queued pg-boss job: the sender and the worker may both try to record it. */
export class JobRunQueueJobUnique1764380000000 implements MigrationInterface {
  name = 'JobRunQueueJobUnique1764380000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE UNIQUE INDEX "uq_job_run_queue_job" ON "job_run" ("queue_job_id") WHERE queue_job_id IS NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "public"."uq_job_run_queue_job"');
  }
}
