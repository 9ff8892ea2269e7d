import type { MigrationInterface } from 'typeorm';
import type { z } from 'zod';
import type { Vendor } from '../domain/vendor.js';
import type { JobDefinition } from '../jobs/job-definition.js';
import type { CloseFollowUp } from '../services/close-service.js';
import type { HubServices } from '../services/hub-services.js';

/** Settings a flow reads from one vendor's sources: extra keys beside the vendor's own (`sources[].settings`). */
export interface FlowSourceSettings {
  vendor: Vendor;
  /** zod shape merged into the vendor's settings schema; config keeps one flat `settings` object per source. */
  shape: z.ZodRawShape;
}

/**
 * One flow, in its own folder (`src/flows/<flow>/`): its job, services, resolvers and GraphQL types, entities,
 * migrations, event kinds and settings. Registered with one line in `src/flows/index.ts`; the hub's lists of jobs,
 * resolvers, entities, migrations and event kinds are built from the registered flows.
 */
export interface FlowModule<EventKinds extends Record<string, string> = Record<string, string>> {
  name: string;
  jobs(hub: Omit<HubServices, 'jobs'>): JobDefinition[];
  /** type-graphql resolver classes (in the flow's `graphql/` folder). */
  resolvers: Function[];
  /** TypeORM entity classes the flow owns. */
  entities: Function[];
  /** The flow's migrations; class names and timestamps never change once released (databases record them). */
  migrations: Array<new () => MigrationInterface>;
  /** Sync event kinds only this flow records (GraphQL enum `SyncEventKind` values). */
  eventKinds: EventKinds;
  sourceSettings: FlowSourceSettings[];
  /** What the flow does in the same call after `closeTicket` / `closeIncident` (e.g. close the linked record). */
  closeFollowUps?: CloseFollowUp[];
}

/** Keeps a flow's literal event kinds in its type (so `SyncEventKind` names every kind). */
export function defineFlow<const EventKinds extends Record<string, string>>(flow: FlowModule<EventKinds>): FlowModule<EventKinds> {
  return flow;
}
