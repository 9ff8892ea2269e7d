import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-incident progress of the Ivanti enrichment playbook (resume at the right step, never publish or note twice). */
export class IvantiEnrichmentProgress1764420000000 implements MigrationInterface {
  name = 'IvantiEnrichmentProgress1764420000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"ivanti_enrichment_progress\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"source_id\" uuid NOT NULL, \"incident_rec_id\" text NOT NULL, \"incident_number\" integer NOT NULL, \"incident_created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"ticket_id\" uuid, \"step\" text NOT NULL DEFAULT 'RETRIEVE', \"bundle_id\" text, \"bundle\" jsonb, \"report\" jsonb, \"published_at\" TIMESTAMP WITH TIME ZONE, \"record_incident_rec_id\" text, \"record_incident_number\" integer, \"note_rec_id\" text, \"noted_at\" TIMESTAMP WITH TIME ZONE, \"follow_up\" text, \"follow_up_attempts\" integer NOT NULL DEFAULT '0', \"follow_up_report\" jsonb, \"follow_up_note_rec_id\" text, \"failures\" integer NOT NULL DEFAULT '0', \"last_error\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"uq_ivanti_enrichment_progress_incident\" UNIQUE (\"source_id\", \"incident_rec_id\"), CONSTRAINT \"PK_0c53562e76d11fbebb639c0aa12\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_ivanti_enrichment_progress_record\" ON \"ivanti_enrichment_progress\" (\"record_incident_rec_id\") ");
    await runner.query("CREATE INDEX \"ix_ivanti_enrichment_progress_step\" ON \"ivanti_enrichment_progress\" (\"source_id\", \"step\") ");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP INDEX \"public\".\"ix_ivanti_enrichment_progress_step\"");
    await runner.query("DROP INDEX \"public\".\"ix_ivanti_enrichment_progress_record\"");
    await runner.query("DROP TABLE \"ivanti_enrichment_progress\"");
  }
}
