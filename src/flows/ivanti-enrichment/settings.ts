import { z } from 'zod';
import { TLP_LEVELS } from '../../domain/enrichment.js';
import { IVANTI_ITSM } from '../../sources/ivanti-itsm/vendor-id.js';
import { MAX_ATTACHMENT_TEXT_BYTES } from '../../indicators/extract.js';
import { ivantiSettings } from '../../sources/ivanti-itsm/manifest.js';
import type { FlowSourceSettings } from '../flow-module.js';

/**
 * The playbook's settings, read from each Ivanti source's `settings` beside the vendor's own keys (config format
 * unchanged: `sources[].settings.enrichment`).
 */
export const ivantiEnrichmentShape = {
  /** The `ivanti-enrichment` playbook over this source's new incidents. */
  enrichment: z.object({
    enabled: z.boolean().default(true),
    /**
     * TLP of this tenant's incidents: providers whose maxTlp is lower are not asked, and the published bundle
     * carries it. Ticket text is internal by default (AMBER).
     */
    tlp: z.enum(TLP_LEVELS).default('AMBER'),
    /** Also extract private, loopback and reserved IPs (and URLs on them). */
    includePrivateIps: z.boolean().default(false),
    /** The optional CVE step: extract CVE ids and publish them as STIX vulnerabilities. */
    includeCves: z.boolean().default(false),
    /** Only this many bytes of a text-like attachment are downloaded and read. */
    maxAttachmentBytes: z.number().int().min(0).max(MAX_ATTACHMENT_TEXT_BYTES).default(MAX_ATTACHMENT_TEXT_BYTES),
    /** Where bundles are published: a CYWARE_CTIX source name (default: the only enabled one). */
    ctixSource: z.string().min(1).nullable().default(null),
    /** How far back the very first run looks for incidents. */
    firstRunLookbackHours: z.number().min(0).default(24),
    /**
     * Each poll also re-reads this far behind its cursor, so an incident that becomes visible late with an earlier
     * CreatedDateTime (a slow transaction, an import) is still taken; those already taken are recognised by RecId.
     */
    lateArrivalSeconds: z.number().int().min(0).max(86_400).default(300),
    /**
     * Notes and attachments added to an incident up to this many hours after its enrichment note are read too: new
     * indicators in them are enriched, published and noted as an addendum. 0 turns it off.
     */
    laterEvidenceHours: z.number().min(0).max(24 * 90).default(72),
    /** Later runs ask a provider that failed again, this many times at most, then one follow-up note gives its answers. */
    gapRetries: z.number().int().min(0).max(1000).default(30),
    /** Incidents processed at once. */
    concurrency: z.number().int().min(1).max(32).default(4),
  }).prefault({}),
};

export const ivantiEnrichmentSourceSettings: FlowSourceSettings = { vendor: IVANTI_ITSM, shape: ivantiEnrichmentShape };

/** An Ivanti source's settings as the playbook reads them: the vendor's keys and the playbook's. */
export const ivantiPlaybookSettings = ivantiSettings.extend(ivantiEnrichmentShape);
export type IvantiPlaybookSettings = z.infer<typeof ivantiPlaybookSettings>;
