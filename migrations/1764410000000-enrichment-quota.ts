import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The enrichment engine: the per-provider quota shared by every replica (a state row per source, one slot row per
 * reserved call) and, on each enrichment, the source that answered, the provider's link and whether it was a
 * not-found answer (cached for a shorter time).
 */
export class EnrichmentQuota1764410000000 implements MigrationInterface {
  name = 'EnrichmentQuota1764410000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE "enrichment_quota" ("source" text NOT NULL, "blocked_until" TIMESTAMP WITH TIME ZONE, "block_reason" text, "day_start" TIMESTAMP WITH TIME ZONE, "day_used" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_enrichment_quota" PRIMARY KEY ("source"))');
    await runner.query('CREATE TABLE "enrichment_quota_slot" ("id" BIGSERIAL NOT NULL, "source" text NOT NULL, "units" integer NOT NULL, "subject" text, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "released_at" TIMESTAMP WITH TIME ZONE, "heartbeat_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_enrichment_quota_slot" PRIMARY KEY ("id"))');
    await runner.query('CREATE INDEX "ix_enrichment_quota_slot_source" ON "enrichment_quota_slot" ("source", "started_at") ');
    await runner.query('ALTER TABLE "enrichment" ADD "source" text');
    await runner.query('ALTER TABLE "enrichment" ADD "link" text');
    await runner.query('ALTER TABLE "enrichment" ADD "not_found" boolean NOT NULL DEFAULT false');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "enrichment" DROP COLUMN "not_found"');
    await runner.query('ALTER TABLE "enrichment" DROP COLUMN "link"');
    await runner.query('ALTER TABLE "enrichment" DROP COLUMN "source"');
    await runner.query('DROP INDEX "public"."ix_enrichment_quota_slot_source"');
    await runner.query('DROP TABLE "enrichment_quota_slot"');
    await runner.query('DROP TABLE "enrichment_quota"');
  }
}
