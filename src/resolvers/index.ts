import { ApiTokenResolver } from './api-token.resolver.js';
import { CtixCftrIncidentResolver } from './ctix-cftr-incident.resolver.js';
import { ThreatBulletinResolver, ThreatDataResolver, ThreatInvestigationResolver } from './ctix-threat-data.resolver.js';
import { CtpResilientResolver } from './ctp-resilient.resolver.js';
import { EnrichmentEngineResolver } from './enrichment-engine.resolver.js';
import { EnrichmentResolver } from './enrichment.resolver.js';
import { IncidentResolver } from './incident.resolver.js';
import { IndicatorResolver } from './indicator.resolver.js';
import { JobResolver } from './job.resolver.js';
import { NodeResolver } from './node.resolver.js';
import { SourceResolver } from './source.resolver.js';
import { SyncEventResolver } from './sync-event.resolver.js';
import { TicketResolver } from './ticket.resolver.js';

/** Every resolver class of the graph; flows add theirs here. */
export const resolvers = [
  NodeResolver, SourceResolver, TicketResolver, IncidentResolver, IndicatorResolver, EnrichmentResolver, SyncEventResolver,
  JobResolver, ApiTokenResolver, CtpResilientResolver,
  ThreatDataResolver, ThreatInvestigationResolver, ThreatBulletinResolver, CtixCftrIncidentResolver,
  EnrichmentEngineResolver,
] as const;
