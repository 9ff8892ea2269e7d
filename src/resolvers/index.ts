import { flows } from '../flows/index.js';
import { ApiTokenResolver } from './api-token.resolver.js';
import { EnrichmentEngineResolver } from './enrichment-engine.resolver.js';
import { EnrichmentResolver } from './enrichment.resolver.js';
import { IncidentResolver } from './incident.resolver.js';
import { IndicatorResolver } from './indicator.resolver.js';
import { JobResolver } from './job.resolver.js';
import { NodeResolver } from './node.resolver.js';
import { SourceResolver } from './source.resolver.js';
import { SyncEventResolver } from './sync-event.resolver.js';
import { TicketResolver } from './ticket.resolver.js';
import { VendorResolver } from './vendor.resolver.js';

/** Every resolver class of the graph: the hub's own, then each registered flow's (src/flows/index.ts). */
export const resolvers: Function[] = [
  NodeResolver, SourceResolver, TicketResolver, IncidentResolver, IndicatorResolver, EnrichmentResolver, SyncEventResolver,
  JobResolver, ApiTokenResolver, EnrichmentEngineResolver, VendorResolver,
  ...flows.flatMap((flow) => flow.resolvers),
];
