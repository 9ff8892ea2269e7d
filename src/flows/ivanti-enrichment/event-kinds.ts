/** The sync event kinds only the Ivanti enrichment playbook records. */
export const IvantiEnrichmentEventKind = {
  INDICATORS_EXTRACTED: 'INDICATORS_EXTRACTED',
  STIX_PUBLISHED: 'STIX_PUBLISHED',
  JOURNAL_NOTE_ADDED: 'JOURNAL_NOTE_ADDED',
} as const;

declare module '../../events/sync-event-kind.js' {
  interface FlowEventKinds {
    ivantiEnrichment: (typeof IvantiEnrichmentEventKind)[keyof typeof IvantiEnrichmentEventKind];
  }
}
