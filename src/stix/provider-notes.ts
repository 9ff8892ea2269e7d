/**
 * Each provider's result on an indicator (or vulnerability) as its own STIX 2.1 `note`, referencing the objects it
 * is about. Why `note`, not `opinion` or `malware-analysis`:
 * - a provider's result is a third party's statement with its evidence: who said it (`authors`), the verdict and
 *   score in one line (`abstract`), what it found (`content`) and where to read more (`external_references`). That
 *   is what a note carries, and it can reference the indicator and its observable directly (`object_refs`);
 * - `opinion` grades agreement with the referenced object's claims on a five-point scale: a provider's HARMLESS on
 *   an indicator the hub marks `benign` would be "agree", its MALICIOUS "disagree". The verdict and score would be
 *   lost, and the grade would flip with the hub's aggregate verdict;
 * - `malware-analysis` (with `result` malicious / suspicious / benign / unknown) fits a sandbox run on a file, but
 *   not IP, domain or URL reputations, and it cannot reference the indicator (only a sample SCO).
 * The verdict stays machine-readable in `labels` (`verdict-malicious`, …) for consumers that filter on it.
 */
import { randomUUID } from 'node:crypto';
import type { ProviderEnrichment, StixObject } from './stix-types.js';

export interface ProviderNoteOptions {
  /** The indicator (or vulnerability) the results are about first, then e.g. its observable. */
  objectRefs: string[];
  /** Properties every SDO of the bundle shares (spec_version, created/modified, created_by_ref, markings). */
  common: () => Record<string, unknown>;
  /** A link as an RFC 3986 URI, or null when it cannot be one. */
  uri: (link: string) => string | null;
}

export function providerNotes(enrichments: ProviderEnrichment[], options: ProviderNoteOptions): StixObject[] {
  return enrichments.map((enrichment) => {
    const provider = enrichment.provider || 'unknown provider';
    const url = enrichment.link ? options.uri(enrichment.link) : null;
    const verdict = enrichment.score === null ? enrichment.verdict : `${enrichment.verdict} (score ${enrichment.score})`;
    return {
      type: 'note',
      id: `note--${randomUUID()}`,
      ...options.common(),
      abstract: `${provider}: ${verdict}`,
      content: [enrichment.summary || `${provider} answered ${verdict}.`, ...(enrichment.link && !url ? [enrichment.link] : [])].join('\n'),
      authors: [provider],
      object_refs: options.objectRefs,
      labels: ['enrichment', `verdict-${enrichment.verdict.toLowerCase()}`],
      ...(url ? { external_references: [{ source_name: provider, url }] } : {}),
    };
  });
}
