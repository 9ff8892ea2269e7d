import type { MigrationInterface } from 'typeorm';
import { Initial1764360000000 } from './1764360000000-initial.js';
import { JobRunQueueJobUnique1764380000000 } from './1764380000000-job-run-queue-job-unique.js';
import { CftrIncidents1764400000000 } from './1764400000000-cftr-incidents.js';
import { EnrichmentQuota1764410000000 } from './1764410000000-enrichment-quota.js';
import { IvantiEnrichmentProgress1764420000000 } from './1764420000000-ivanti-enrichment-progress.js';
import { FilterIndexes1764430000000 } from './1764430000000-filter-indexes.js';
import { IvantiEnrichmentAddendum1764440000000 } from './1764440000000-ivanti-enrichment-addendum.js';
import { JobRunProgress1764450000000 } from './1764450000000-job-run-progress.js';
import { ApiTokenExpiry1764459000000 } from './1764459000000-api-token-expiry.js';
import { IncidentCloseHandled1764459100000 } from './1764459100000-incident-close-handled.js';

/** Every migration, oldest first. Start-up applies the pending ones; `synchronize` is never used outside tests. */
export const migrations: Array<new () => MigrationInterface> = [Initial1764360000000, JobRunQueueJobUnique1764380000000, CftrIncidents1764400000000, EnrichmentQuota1764410000000, IvantiEnrichmentProgress1764420000000,
  FilterIndexes1764430000000, IvantiEnrichmentAddendum1764440000000, JobRunProgress1764450000000, ApiTokenExpiry1764459000000,
  IncidentCloseHandled1764459100000];
