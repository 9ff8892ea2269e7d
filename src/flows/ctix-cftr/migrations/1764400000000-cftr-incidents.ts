import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Flow 2 (Intel Exchange → Respond): the CTIX → CFTR indicator type mapping (seeded with Respond's default
 * threat-intel types), the idempotency claims of `createCftrIncident`, and the incidents recorded against the
 * CTIX objects they were made from.
 */
export class CftrIncidents1764400000000 implements MigrationInterface {
  name = 'CftrIncidents1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"cftr_incident_origin\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"ctix_source_id\" uuid NOT NULL, \"subject_kind\" text NOT NULL, \"subject_id\" text NOT NULL, \"incident_id\" uuid NOT NULL, \"cftr_external_id\" text NOT NULL, \"readable_id\" text, \"url\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"uq_cftr_incident_origin\" UNIQUE (\"ctix_source_id\", \"subject_kind\", \"subject_id\", \"incident_id\"), CONSTRAINT \"PK_32c11f6d6c5e5f924d796fd0ad3\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE INDEX \"ix_cftr_incident_origin_subject\" ON \"cftr_incident_origin\" (\"ctix_source_id\", \"subject_kind\", \"subject_id\") ");
    await runner.query("CREATE TABLE \"cftr_incident_request\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"idempotency_key\" text NOT NULL, \"fingerprint\" text NOT NULL, \"state\" text NOT NULL, \"claim_token\" uuid NOT NULL, \"claimed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"cftr_source_id\" uuid, \"cftr_external_id\" text, \"plan\" jsonb, \"incident_id\" uuid, \"result\" jsonb, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"completed_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"uq_cftr_incident_request_key\" UNIQUE (\"idempotency_key\"), CONSTRAINT \"PK_913899205c9833888c90b38aaeb\" PRIMARY KEY (\"id\"))");
    await runner.query("CREATE TABLE \"indicator_type_mapping\" (\"ctix_type\" text NOT NULL, \"cftr_field\" text NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_deca542e54fe4a1db0f6151e77c\" PRIMARY KEY (\"ctix_type\"))");
    await runner.query("ALTER TABLE \"cftr_incident_origin\" ADD CONSTRAINT \"FK_7716083229de9168c2717e7dfb1\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    // Respond's default threat-intel types for the IOC types socgraph models (vendor notes cyware-cftr.md §5).
    await runner.query(`INSERT INTO "indicator_type_mapping" ("ctix_type", "cftr_field") VALUES
      ('ipv4-addr', 'IP'), ('ipv6-addr', 'IP'), ('domain-name', 'Domain'), ('url', 'URL'), ('email-addr', 'Email'),
      ('MD5', 'MD5'), ('SHA-1', 'SHA1'), ('SHA-256', 'SHA256')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("ALTER TABLE \"cftr_incident_origin\" DROP CONSTRAINT \"FK_7716083229de9168c2717e7dfb1\"");
    await runner.query('DROP TABLE "indicator_type_mapping"');
    await runner.query('DROP TABLE "cftr_incident_request"');
    await runner.query('DROP INDEX "public"."ix_cftr_incident_origin_subject"');
    await runner.query('DROP TABLE "cftr_incident_origin"');
  }
}
