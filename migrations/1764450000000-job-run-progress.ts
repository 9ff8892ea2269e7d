import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Job progress: how far a run got (items done, known total, rate), updated while it runs. */
export class JobRunProgress1764450000000 implements MigrationInterface {
  name = 'JobRunProgress1764450000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "job_run" ADD COLUMN "progress" jsonb');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "job_run" DROP COLUMN "progress"');
  }
}
