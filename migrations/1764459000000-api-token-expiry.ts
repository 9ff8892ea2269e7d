import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 9: API tokens may carry an expiry; an expired token is refused like a revoked one. */
export class ApiTokenExpiry1764459000000 implements MigrationInterface {
  name = 'ApiTokenExpiry1764459000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "api_token" ADD COLUMN "expires_at" TIMESTAMP WITH TIME ZONE');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "api_token" DROP COLUMN "expires_at"');
  }
}
