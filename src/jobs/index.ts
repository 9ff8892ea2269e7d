import type { HubServices } from '../services/hub-services.js';
import { ctpResilientSyncJob } from './ctp-resilient/ctp-resilient-sync.job.js';
import { eventRetentionJob } from './event-retention.job.js';
import { ivantiEnrichmentJob } from './ivanti-enrichment/ivanti-enrichment.job.js';
import type { CloseFollowUp } from '../services/close-service.js';
import { ctpResilientCloseFollowUp } from './ctp-resilient/close-actions.js';
import type { JobDefinition } from './job-definition.js';

/** Every job the hub runs; each flow adds its job here. */
export function hubJobs(hub: Omit<HubServices, 'jobs'>): JobDefinition[] {
  return [eventRetentionJob(hub.dataSource), ctpResilientSyncJob(hub), ivantiEnrichmentJob(hub)];
}

/** What flows do in the same call after `closeTicket` / `closeIncident`; each flow adds its follow-up here. */
export const closeFollowUps: readonly CloseFollowUp[] = [ctpResilientCloseFollowUp];
