import type { HubServices } from '../services/hub-services.js';
import { ctpResilientSyncJob } from './ctp-resilient/ctp-resilient-sync.job.js';
import { eventRetentionJob } from './event-retention.job.js';
import { ivantiEnrichmentJob } from './ivanti-enrichment/ivanti-enrichment.job.js';
import type { JobDefinition } from './job-definition.js';

/** Every job the hub runs; each flow adds its job here. */
export function hubJobs(hub: Omit<HubServices, 'jobs'>): JobDefinition[] {
  return [eventRetentionJob(hub.dataSource), ctpResilientSyncJob(hub), ivantiEnrichmentJob(hub)];
}
