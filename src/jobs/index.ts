import { flows } from '../flows/index.js';
import type { HubServices } from '../services/hub-services.js';
import { eventRetentionJob } from './event-retention.job.js';
import type { JobDefinition } from './job-definition.js';

/** Every job the hub runs: its own, then each registered flow's (src/flows/index.ts). */
export function hubJobs(hub: Omit<HubServices, 'jobs'>): JobDefinition[] {
  return [eventRetentionJob(hub.dataSource), ...flows.flatMap((flow) => flow.jobs(hub))];
}
