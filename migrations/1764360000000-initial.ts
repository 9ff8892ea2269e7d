import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The unified model: sources, tickets, incidents, indicators, enrichments, the event log, jobs and API tokens. */
export class Initial1764360000000 implements MigrationInterface {
  name = 'Initial1764360000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"api_token\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"name\" text NOT NULL, \"role\" text NOT NULL, \"token_hash\" text NOT NULL, \"prefix\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"last_used_at\" TIMESTAMP WITH TIME ZONE, \"revoked_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"UQ_bafaa5aab5957cd193fb2da8f24\" UNIQUE (\"token_hash\"), CONSTRAINT \"PK_d862311c568d175c26f41bc6f98\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE TABLE \"attachment\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"ticket_id\" uuid, \"incident_id\" uuid, \"external_id\" text NOT NULL, \"name\" text NOT NULL, \"content_type\" text, \"size\" integer, \"origin_key\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_d2a80c3a8d467f08a750ac4b420\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE UNIQUE INDEX \"uq_attachment_incident\" ON \"attachment\" (\"incident_id\", \"external_id\") WHERE incident_id IS NOT NULL");
    await runner.query("CREATE UNIQUE INDEX \"uq_attachment_ticket\" ON \"attachment\" (\"ticket_id\", \"external_id\") WHERE ticket_id IS NOT NULL");
    await runner.query("CREATE TABLE \"enrichment\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"indicator_id\" uuid NOT NULL, \"provider\" text NOT NULL, \"verdict\" text NOT NULL, \"score\" integer, \"summary\" text NOT NULL, \"details\" jsonb NOT NULL DEFAULT '{}', \"fetched_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"expires_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"uq_enrichment_indicator_provider\" UNIQUE (\"indicator_id\", \"provider\"), CONSTRAINT \"PK_8f4a0c162ea8a5ebafb669ef934\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_enrichment_expires\" ON \"enrichment\" (\"expires_at\") ");
    await runner.query("CREATE TABLE \"incident_note\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"incident_id\" uuid NOT NULL, \"external_id\" text, \"origin_key\" text, \"body\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_bcd935c5c178ba4e6a14259e824\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_incident_note_created\" ON \"incident_note\" (\"incident_id\", \"created_at\") ");
    await runner.query("CREATE UNIQUE INDEX \"uq_incident_note_external\" ON \"incident_note\" (\"incident_id\", \"external_id\") WHERE external_id IS NOT NULL");
    await runner.query("CREATE UNIQUE INDEX \"uq_incident_note_origin\" ON \"incident_note\" (\"incident_id\", \"origin_key\") WHERE origin_key IS NOT NULL");
    await runner.query("CREATE TABLE \"incident\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"source_id\" uuid NOT NULL, \"external_id\" text NOT NULL, \"url\" text, \"title\" text NOT NULL, \"description\" text, \"status\" text NOT NULL, \"severity\" text, \"phase\" text, \"resolution\" text, \"resolution_summary\" text, \"custom_fields\" jsonb NOT NULL DEFAULT '{}', \"version\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"closed_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"uq_incident_source_external\" UNIQUE (\"source_id\", \"external_id\"), CONSTRAINT \"PK_5f90b28b0b8238d89ee8edcf96e\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_incident_created\" ON \"incident\" (\"created_at\") ");
    await runner.query("CREATE INDEX \"ix_incident_updated\" ON \"incident\" (\"updated_at\") ");
    await runner.query("CREATE INDEX \"ix_incident_severity\" ON \"incident\" (\"severity\") ");
    await runner.query("CREATE INDEX \"ix_incident_status\" ON \"incident\" (\"status\") ");
    await runner.query("CREATE TABLE \"indicator\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"type\" text NOT NULL, \"value\" text NOT NULL, \"verdict\" text NOT NULL DEFAULT 'UNKNOWN', \"score\" integer, \"first_seen_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_seen_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"uq_indicator_type_value\" UNIQUE (\"type\", \"value\"), CONSTRAINT \"PK_4693fe4c2cb912a71e05c589e7e\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_indicator_last_seen\" ON \"indicator\" (\"last_seen_at\") ");
    await runner.query("CREATE INDEX \"ix_indicator_verdict\" ON \"indicator\" (\"verdict\") ");
    await runner.query("CREATE TABLE \"job_run\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"job_name\" text NOT NULL, \"trigger\" text NOT NULL, \"state\" text NOT NULL, \"attempt\" integer NOT NULL DEFAULT '1', \"queued_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"started_at\" TIMESTAMP WITH TIME ZONE, \"finished_at\" TIMESTAMP WITH TIME ZONE, \"error\" text, \"output\" jsonb, \"queue_job_id\" text, CONSTRAINT \"PK_96fe0b041b8bc157dcec25bd8ef\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_job_run_job\" ON \"job_run\" (\"job_name\", \"queued_at\") ");
    await runner.query("CREATE TABLE \"job_state\" (\"name\" text NOT NULL, \"cursor\" jsonb, \"last_run_id\" uuid, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_a753a4adddae939b4c081ab22eb\" PRIMARY KEY (\"name\"))");
    await runner.query("CREATE TABLE \"sighting\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"indicator_id\" uuid NOT NULL, \"subject_type\" text NOT NULL, \"subject_id\" text NOT NULL, \"source_id\" uuid, \"first_seen_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_seen_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"uq_sighting\" UNIQUE (\"indicator_id\", \"subject_type\", \"subject_id\"), CONSTRAINT \"PK_9429122de70050d6e2f46e19bca\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_sighting_subject\" ON \"sighting\" (\"subject_type\", \"subject_id\") ");
    await runner.query("CREATE TABLE \"source\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"name\" text NOT NULL, \"vendor\" text NOT NULL, \"base_url\" text NOT NULL, \"enabled\" boolean NOT NULL, \"sandbox\" boolean NOT NULL, \"poll_interval_seconds\" integer NOT NULL DEFAULT '0', \"health_status\" text NOT NULL DEFAULT 'UNKNOWN', \"last_success_at\" TIMESTAMP WITH TIME ZONE, \"last_error_at\" TIMESTAMP WITH TIME ZONE, \"last_error\" text, \"consecutive_failures\" integer NOT NULL DEFAULT '0', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"UQ_e64619e22dc97d6525c86ef8af5\" UNIQUE (\"name\"), CONSTRAINT \"PK_018c433f8264b58c86363eaadde\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE TABLE \"sync_event\" (\"cursor\" BIGSERIAL NOT NULL, \"kind\" text NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"vendor\" text, \"subject_id\" text, \"message\" text NOT NULL, \"details\" jsonb NOT NULL DEFAULT '{}', CONSTRAINT \"PK_f76975b57c95f1a69a7c59eb8c9\" PRIMARY KEY (\"cursor\"))");
    await runner.query("CREATE INDEX \"ix_sync_event_vendor\" ON \"sync_event\" (\"vendor\", \"cursor\") ");
    await runner.query("CREATE INDEX \"ix_sync_event_kind\" ON \"sync_event\" (\"kind\", \"cursor\") ");
    await runner.query("CREATE TABLE \"ticket_incident\" (\"ticket_id\" uuid NOT NULL, \"incident_id\" uuid NOT NULL, \"incident_source_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"uq_ticket_incident_platform\" UNIQUE (\"ticket_id\", \"incident_source_id\"), CONSTRAINT \"PK_b5ccb351666dc76d6d3c93d78ad\" PRIMARY KEY (\"ticket_id\", \"incident_id\"))");
    await runner.query("CREATE INDEX \"ix_ticket_incident_incident\" ON \"ticket_incident\" (\"incident_id\") ");
    await runner.query("CREATE TABLE \"ticket\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"source_id\" uuid NOT NULL, \"external_id\" text NOT NULL, \"url\" text, \"title\" text NOT NULL, \"description\" text, \"status\" text NOT NULL, \"vendor_status\" text NOT NULL, \"priority\" text NOT NULL, \"ticket_type\" text, \"grouping_type\" text, \"close_code\" text, \"close_codes\" jsonb, \"version\" text, \"fields\" jsonb NOT NULL DEFAULT '{}', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"closed_at\" TIMESTAMP WITH TIME ZONE, \"synced_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"uq_ticket_source_external\" UNIQUE (\"source_id\", \"external_id\"), CONSTRAINT \"PK_d9a0835407701eb86f874474b7c\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_ticket_created\" ON \"ticket\" (\"created_at\") ");
    await runner.query("CREATE INDEX \"ix_ticket_updated\" ON \"ticket\" (\"updated_at\") ");
    await runner.query("CREATE INDEX \"ix_ticket_type_grouping\" ON \"ticket\" (\"ticket_type\", \"grouping_type\") ");
    await runner.query("CREATE INDEX \"ix_ticket_priority\" ON \"ticket\" (\"priority\") ");
    await runner.query("CREATE INDEX \"ix_ticket_status\" ON \"ticket\" (\"status\") ");
    await runner.query("CREATE TABLE \"worklog\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"ticket_id\" uuid NOT NULL, \"external_key\" text NOT NULL, \"author\" text, \"type\" text, \"body\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"uq_worklog_ticket_key\" UNIQUE (\"ticket_id\", \"external_key\"), CONSTRAINT \"PK_fec48929bbea5f702c38d022b3c\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_worklog_ticket_created\" ON \"worklog\" (\"ticket_id\", \"created_at\") ");
    await runner.query("ALTER TABLE \"attachment\" ADD CONSTRAINT \"FK_4bb1cbae7bebc565a968dfe077f\" FOREIGN KEY (\"ticket_id\") REFERENCES \"ticket\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"attachment\" ADD CONSTRAINT \"FK_4e4c91cca8fb5b7c15265efb423\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"enrichment\" ADD CONSTRAINT \"FK_b8c5fc06588b6115648e05a8b01\" FOREIGN KEY (\"indicator_id\") REFERENCES \"indicator\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"incident_note\" ADD CONSTRAINT \"FK_2c50709bbac547b65a0a25e7e45\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"incident\" ADD CONSTRAINT \"FK_9a0b591eac1496fa4b05beda1bf\" FOREIGN KEY (\"source_id\") REFERENCES \"source\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"sighting\" ADD CONSTRAINT \"FK_0f2cc1fcbc58cfe678855f303f9\" FOREIGN KEY (\"indicator_id\") REFERENCES \"indicator\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"ticket_incident\" ADD CONSTRAINT \"FK_357c9ead35b5d87e520cbe2d999\" FOREIGN KEY (\"ticket_id\") REFERENCES \"ticket\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"ticket_incident\" ADD CONSTRAINT \"FK_412a8b8e03769f09aeeb2718422\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"ticket_incident\" ADD CONSTRAINT \"FK_5fad7a49473e0649fedbd679c5f\" FOREIGN KEY (\"incident_source_id\") REFERENCES \"source\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"ticket\" ADD CONSTRAINT \"FK_73814d77313636ff7b046aa6ce0\" FOREIGN KEY (\"source_id\") REFERENCES \"source\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await runner.query("ALTER TABLE \"worklog\" ADD CONSTRAINT \"FK_500ab94a2f2b07624d6a3185c04\" FOREIGN KEY (\"ticket_id\") REFERENCES \"ticket\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("ALTER TABLE \"worklog\" DROP CONSTRAINT \"FK_500ab94a2f2b07624d6a3185c04\"");
    await runner.query("ALTER TABLE \"ticket\" DROP CONSTRAINT \"FK_73814d77313636ff7b046aa6ce0\"");
    await runner.query("ALTER TABLE \"ticket_incident\" DROP CONSTRAINT \"FK_5fad7a49473e0649fedbd679c5f\"");
    await runner.query("ALTER TABLE \"ticket_incident\" DROP CONSTRAINT \"FK_412a8b8e03769f09aeeb2718422\"");
    await runner.query("ALTER TABLE \"ticket_incident\" DROP CONSTRAINT \"FK_357c9ead35b5d87e520cbe2d999\"");
    await runner.query("ALTER TABLE \"sighting\" DROP CONSTRAINT \"FK_0f2cc1fcbc58cfe678855f303f9\"");
    await runner.query("ALTER TABLE \"incident\" DROP CONSTRAINT \"FK_9a0b591eac1496fa4b05beda1bf\"");
    await runner.query("ALTER TABLE \"incident_note\" DROP CONSTRAINT \"FK_2c50709bbac547b65a0a25e7e45\"");
    await runner.query("ALTER TABLE \"enrichment\" DROP CONSTRAINT \"FK_b8c5fc06588b6115648e05a8b01\"");
    await runner.query("ALTER TABLE \"attachment\" DROP CONSTRAINT \"FK_4e4c91cca8fb5b7c15265efb423\"");
    await runner.query("ALTER TABLE \"attachment\" DROP CONSTRAINT \"FK_4bb1cbae7bebc565a968dfe077f\"");
    await runner.query("DROP INDEX \"public\".\"ix_worklog_ticket_created\"");
    await runner.query("DROP TABLE \"worklog\"");
    await runner.query("DROP INDEX \"public\".\"ix_ticket_status\"");
    await runner.query("DROP INDEX \"public\".\"ix_ticket_priority\"");
    await runner.query("DROP INDEX \"public\".\"ix_ticket_type_grouping\"");
    await runner.query("DROP INDEX \"public\".\"ix_ticket_updated\"");
    await runner.query("DROP INDEX \"public\".\"ix_ticket_created\"");
    await runner.query("DROP TABLE \"ticket\"");
    await runner.query("DROP INDEX \"public\".\"ix_ticket_incident_incident\"");
    await runner.query("DROP TABLE \"ticket_incident\"");
    await runner.query("DROP INDEX \"public\".\"ix_sync_event_kind\"");
    await runner.query("DROP INDEX \"public\".\"ix_sync_event_vendor\"");
    await runner.query("DROP TABLE \"sync_event\"");
    await runner.query("DROP TABLE \"source\"");
    await runner.query("DROP INDEX \"public\".\"ix_sighting_subject\"");
    await runner.query("DROP TABLE \"sighting\"");
    await runner.query("DROP TABLE \"job_state\"");
    await runner.query("DROP INDEX \"public\".\"ix_job_run_job\"");
    await runner.query("DROP TABLE \"job_run\"");
    await runner.query("DROP INDEX \"public\".\"ix_indicator_verdict\"");
    await runner.query("DROP INDEX \"public\".\"ix_indicator_last_seen\"");
    await runner.query("DROP TABLE \"indicator\"");
    await runner.query("DROP INDEX \"public\".\"ix_incident_status\"");
    await runner.query("DROP INDEX \"public\".\"ix_incident_severity\"");
    await runner.query("DROP INDEX \"public\".\"ix_incident_updated\"");
    await runner.query("DROP INDEX \"public\".\"ix_incident_created\"");
    await runner.query("DROP TABLE \"incident\"");
    await runner.query("DROP INDEX \"public\".\"uq_incident_note_origin\"");
    await runner.query("DROP INDEX \"public\".\"uq_incident_note_external\"");
    await runner.query("DROP INDEX \"public\".\"ix_incident_note_created\"");
    await runner.query("DROP TABLE \"incident_note\"");
    await runner.query("DROP INDEX \"public\".\"ix_enrichment_expires\"");
    await runner.query("DROP TABLE \"enrichment\"");
    await runner.query("DROP INDEX \"public\".\"uq_attachment_ticket\"");
    await runner.query("DROP INDEX \"public\".\"uq_attachment_incident\"");
    await runner.query("DROP TABLE \"attachment\"");
    await runner.query("DROP TABLE \"api_token\"");
  }
}
