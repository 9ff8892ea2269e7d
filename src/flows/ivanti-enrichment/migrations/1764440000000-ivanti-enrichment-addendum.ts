import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Flow 3: addenda, for indicators found in notes or attachments added to an incident after its enrichment note. */
export class IvantiEnrichmentAddendum1764440000000 implements MigrationInterface {
  name = 'IvantiEnrichmentAddendum1764440000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "ivanti_enrichment_addendum" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(), "progress_id" uuid NOT NULL, "indicators_key" text NOT NULL,
      "step" text NOT NULL DEFAULT 'PUBLISH', "bundle" jsonb NOT NULL, "report" jsonb NOT NULL, "note_rec_id" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "uq_ivanti_enrichment_addendum" UNIQUE ("progress_id", "indicators_key"),
      CONSTRAINT "pk_ivanti_enrichment_addendum" PRIMARY KEY ("id"))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "ivanti_enrichment_addendum"');
  }
}
