import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index behind every filter the API offers that had none:
 * - `tickets`/`incidents(filter: { search })` is a case-insensitive substring of the title: trigram GiST indexes
 *   (pg_trgm; trusted since PostgreSQL 13, so the database owner may create it, and PGlite ships it). GiST rather
 *   than GIN: one index entry per row instead of one per trigram, so a sync's writes pay far less (the flow 1 bench
 *   on the embedded database: hub CPU 55 s without, 58 s with GiST, 62-68 s with GIN);
 * - `externalId` without `sourceIds`: the (source_id, external_id) keys do not serve it;
 * - `indicators(filter: { valuePrefix })` is `LIKE 'prefix%'`, which a text_pattern_ops index serves in any collation;
 * - `syncEvents(filter: { subjectId })`, newest first.
 */
export class FilterIndexes1764430000000 implements MigrationInterface {
  name = 'FilterIndexes1764430000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await runner.query('CREATE INDEX "ix_ticket_title_trgm" ON "ticket" USING gist ("title" gist_trgm_ops)');
    await runner.query('CREATE INDEX "ix_incident_title_trgm" ON "incident" USING gist ("title" gist_trgm_ops)');
    await runner.query('CREATE INDEX "ix_ticket_external" ON "ticket" ("external_id")');
    await runner.query('CREATE INDEX "ix_incident_external" ON "incident" ("external_id")');
    await runner.query('CREATE INDEX "ix_indicator_value_prefix" ON "indicator" ("value" text_pattern_ops)');
    await runner.query('CREATE INDEX "ix_sync_event_subject" ON "sync_event" ("subject_id", "cursor") WHERE subject_id IS NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const index of ['ix_sync_event_subject', 'ix_indicator_value_prefix', 'ix_incident_external', 'ix_ticket_external',
      'ix_incident_title_trgm', 'ix_ticket_title_trgm']) {
      await runner.query(`DROP INDEX "public"."${index}"`);
    }
  }
}
