import type { MigrationInterface } from 'typeorm';
import { Initial1764360000000 } from './1764360000000-initial.js';
import { JobRunQueueJobUnique1764380000000 } from './1764380000000-job-run-queue-job-unique.js';
import { EnrichmentQuota1764410000000 } from './1764410000000-enrichment-quota.js';
import { FilterIndexes1764430000000 } from './1764430000000-filter-indexes.js';
import { JobRunProgress1764450000000 } from './1764450000000-job-run-progress.js';
import { ApiTokenExpiry1764459000000 } from './1764459000000-api-token-expiry.js';

/**
 * The hub's own migrations, oldest first; each flow keeps its own (src/flows/<flow>/migrations/) and
 * src/db/open-database.ts merges both by timestamp. Start-up applies the pending ones; `synchronize` is never used
 * outside tests.
 */
export const coreMigrations: Array<new () => MigrationInterface> = [Initial1764360000000, JobRunQueueJobUnique1764380000000, EnrichmentQuota1764410000000,
  FilterIndexes1764430000000, JobRunProgress1764450000000, ApiTokenExpiry1764459000000];
