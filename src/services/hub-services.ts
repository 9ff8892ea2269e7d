import type { DataSource } from 'typeorm';
import type { ApiTokens } from '../auth/api-tokens.js';
import type { HubConfig } from '../config/hub-config.js';
import type { EnrichmentEngine } from '../enrichment/enrichment-engine.js';
import type { EventLog } from '../events/event-log.js';
import type { EventTailer } from '../events/event-tailer.js';
import type { JobRunner } from '../jobs/job-runner.js';
import type { CloseService } from './close-service.js';
import type { SourceRegistry } from './source-registry.js';

/** What resolvers and jobs reach the hub through. */
export interface HubServices {
  config: HubConfig;
  dataSource: DataSource;
  events: EventLog;
  tailer: EventTailer;
  jobs: JobRunner;
  tokens: ApiTokens;
  sources: SourceRegistry;
  /** The enrichment engine (EnrichmentService): cache, per-provider quota, TLP gate, aggregation. */
  enrichment: EnrichmentEngine;
  /** `closeTicket` / `closeIncident` through the vendors' ports, with the flows' follow-ups. */
  closes: CloseService;
}
