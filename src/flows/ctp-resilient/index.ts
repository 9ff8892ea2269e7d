import { ctpResilientCloseFollowUp } from './close-actions.js';
import { defineFlow } from '../flow-module.js';
import { ctpResilientSyncJob } from './ctp-resilient-sync.job.js';
import { CtpResilientEventKind } from './event-kinds.js';
import { CtpResilientResolver } from './graphql/ctp-resilient.resolver.js';
import { IncidentCloseHandled1764459100000 } from './migrations/1764459100000-incident-close-handled.js';
import { ctpResilientSourceSettings } from './settings.js';

/** Flow 1: Secureworks CTP tickets escalated to IBM Resilient incidents, closes synced both ways. */
export const ctpResilientFlow = defineFlow({
  name: 'ctp-resilient',
  jobs: (hub) => [ctpResilientSyncJob(hub)],
  resolvers: [CtpResilientResolver],
  entities: [],
  migrations: [IncidentCloseHandled1764459100000],
  eventKinds: CtpResilientEventKind,
  sourceSettings: [ctpResilientSourceSettings],
  closeFollowUps: [ctpResilientCloseFollowUp],
});
