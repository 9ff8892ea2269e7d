/** The sync event kinds only flow 1 records. */
export const CtpResilientEventKind = {
  /** A ticket open in CTP reopened its closed incident (setting `reopenIncidents`). */
  INCIDENT_REOPENED: 'INCIDENT_REOPENED',
} as const;

declare module '../../events/sync-event-kind.js' {
  interface FlowEventKinds {
    ctpResilient: (typeof CtpResilientEventKind)[keyof typeof CtpResilientEventKind];
  }
}
