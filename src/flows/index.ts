import { registerEventKinds } from '../events/sync-event-kind.js';
import { ctixCftrFlow } from './ctix-cftr/index.js';
import { ctpResilientFlow } from './ctp-resilient/index.js';
import type { FlowModule } from './flow-module.js';
import { ivantiEnrichmentFlow } from './ivanti-enrichment/index.js';

/**
 * The flows the hub runs. Adding a flow = its folder under src/flows/ plus one line here; the hub's jobs, resolvers,
 * entities, migrations, event kinds and source settings are built from this list.
 */
export const flows: readonly FlowModule[] = [
  // registered flows (one line each):
  ctpResilientFlow,
  ctixCftrFlow,
  ivantiEnrichmentFlow,
];

for (const flow of flows) registerEventKinds(flow.eventKinds);
