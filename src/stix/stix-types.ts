/** The shapes of the enrichment bundle: what goes in (the playbook's outcome for one ticket) and what comes out. */
import type { ExtractedIndicatorType } from '../indicators/extract.js';

export type TlpLevel = 'CLEAR' | 'WHITE' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';
export type Verdict = 'MALICIOUS' | 'SUSPICIOUS' | 'HARMLESS' | 'UNKNOWN';

export interface ProviderEnrichment {
  provider: string;
  verdict: Verdict;
  score: number | null;
  summary: string;
  link?: string;
}

export interface EnrichedIndicator {
  /** 'CVE' entries become vulnerability objects, like `cves`. */
  type: ExtractedIndicatorType;
  value: string;
  verdict: Verdict;
  /** 0–100; becomes the indicator's STIX `confidence`. */
  score: number | null;
  enrichments: ProviderEnrichment[];
  /** Providers that gave no answer (down, over quota, not asked because of TLP): named in the description, no verdict. */
  gaps?: EnrichmentGap[];
}

export interface EnrichmentGap {
  provider: string;
  reason: string;
}

export interface EnrichmentBundleInput {
  ticket: { externalId: string; title: string; url?: string; createdAt: Date };
  tlp: TlpLevel;
  indicators: EnrichedIndicator[];
  cves?: string[];
  /** The hub as the STIX identity that created every object; defaults to "socgraph". */
  identity?: { name: string };
  now?: Date;
}

export interface StixObject {
  type: string;
  id: string;
  [property: string]: unknown;
}

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export interface EnrichmentBundleCounts {
  indicators: number;
  observables: number;
  /** Provider results as `note` objects (one per provider answer on an indicator or CVE; see provider-notes.ts). */
  notes: number;
  vulnerabilities: number;
}

export interface EnrichmentBundle {
  bundle: StixBundle;
  counts: EnrichmentBundleCounts;
}
