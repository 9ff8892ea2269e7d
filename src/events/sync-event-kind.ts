/** What happened, on the durable event stream: the kinds the hub itself records. */
export const CoreEventKind = {
  TICKET_IMPORTED: 'TICKET_IMPORTED',
  TICKET_UPDATED: 'TICKET_UPDATED',
  TICKET_CLOSED: 'TICKET_CLOSED',
  INCIDENT_CREATED: 'INCIDENT_CREATED',
  INCIDENT_UPDATED: 'INCIDENT_UPDATED',
  INCIDENT_CLOSED: 'INCIDENT_CLOSED',
  NOTE_ADDED: 'NOTE_ADDED',
  ATTACHMENT_ADDED: 'ATTACHMENT_ADDED',
  ENRICHED: 'ENRICHED',
  SYNC_FAILED: 'SYNC_FAILED',
  SYNC_WARNING: 'SYNC_WARNING',
  SOURCE_HEALTH_CHANGED: 'SOURCE_HEALTH_CHANGED',
  SOURCE_UPDATED: 'SOURCE_UPDATED',
  JOB_COMPLETED: 'JOB_COMPLETED',
  JOB_FAILED: 'JOB_FAILED',
  /** A running job's progress (items done / known total, rate), at most once a second per run. */
  JOB_PROGRESS: 'JOB_PROGRESS',
} as const;

/**
 * The kinds flows add, by flow: each flow's `event-kinds.ts` adds its entry to this interface (module augmentation),
 * so this file never imports a flow.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FlowEventKinds {}

/** Every kind: the hub's and each flow's. Names are part of the GraphQL contract. */
export type SyncEventKind = (typeof CoreEventKind)[keyof typeof CoreEventKind] | FlowEventKinds[keyof FlowEventKinds];

/**
 * The GraphQL enum `SyncEventKind`: the hub's kinds, then each flow's, added by `src/flows/index.ts` when the flows
 * are registered (before the schema is built). Code records its kinds through `CoreEventKind` or its flow's own object.
 */
export const SyncEventKind: { readonly [Name in keyof typeof CoreEventKind]: SyncEventKind } = { ...CoreEventKind };

/** Adds a flow's kinds to the enum (src/flows/index.ts does it once per flow). */
export function registerEventKinds(kinds: Record<string, string>): void {
  for (const [name, value] of Object.entries(kinds)) {
    const known = (SyncEventKind as Record<string, string>)[name];
    if (known !== undefined && known !== value) throw new Error(`event kind ${name} is registered twice with different values`);
    (SyncEventKind as Record<string, string>)[name] = value;
  }
}
