import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Flow 1: which incident closes are already in step with their tickets (closes known so far count as handled). */
export class IncidentCloseHandled1764459100000 implements MigrationInterface {
  name = 'IncidentCloseHandled1764459100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "incident" ADD "close_handled" boolean NOT NULL DEFAULT false`);
    await runner.query(`UPDATE "incident" SET "close_handled" = true WHERE "status" = 'CLOSED'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "incident" DROP COLUMN "close_handled"');
  }
}
