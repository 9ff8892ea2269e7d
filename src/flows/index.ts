import { registerEventKinds } from '../events/sync-event-kind.js';
import { ctixCftrFlow } from './ctix-cftr/index.js';
import { ctpResilientFlow } from './ctp-resilient/index.js';
import type { FlowModule } from './flow-module.js';
import { ivantiEnrichmentFlow } from './ivanti-enrichment/index.js';

/**
 * The flows the hub runs. Adding a flow = its folder under src/flows/ plus one line here; the hub's jobs, resolvers,
 * entities, migrations, event kinds and source settings are built from this list.
 */
const registered = [
  // registered flows (one line each):
  ctpResilientFlow,
  ctixCftrFlow,
  ivantiEnrichmentFlow,
] as const;

export const flows: readonly FlowModule[] = registered;

/** The event kinds the registered flows record (part of the type `SyncEventKind`). */
export type FlowEventKind = ValuesOf<(typeof registered)[number]['eventKinds']>;
type ValuesOf<T> = T extends Record<string, infer V> ? V : never;

for (const flow of flows) registerEventKinds(flow.eventKinds);
