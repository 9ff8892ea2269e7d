import { z } from 'zod';
import { TLP_LEVELS } from '../../domain/enrichment.js';
import { Vendor } from '../../domain/vendor.js';
import { MAX_ATTACHMENT_TEXT_BYTES } from '../../indicators/extract.js';
import { createIvantiItsmSandbox } from '../../sandbox/ivanti-itsm/index.js';
import { VendorHttp } from '../http/vendor-http.js';
import { requireCredentials, sourceHttpOptions } from '../http/source-http.js';
import type { VendorManifest } from '../manifest.js';
import { IvantiClient, MAX_PAGE_SIZE } from './client.js';
import { ivantiTicketsPort } from './tickets-port.js';

const picklistValue = z.string().min(1).nullable().default(null);

export const ivantiSettings = z.object({
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
  /** Extra OData clause the incident poll ANDs in, e.g. `Category eq 'Security Incident'`. */
  incidentFilter: z.string().min(1).nullable().default(null),
  /** The tenant's link to an incident, with `{RecId}` / `{IncidentNumber}` placeholders (Ivanti documents none). */
  incidentUrlTemplate: z.string().min(1).nullable().default(null),
  journalNote: z.object({
    category: z.string().min(1).default('Memo'),
    source: picklistValue,
    // Internal by default: true shows the note to the customer.
    publishToWeb: z.boolean().default(false),
  }).prefault({}),
  newIncident: z.object({
    status: z.string().min(1).default('Logged'),
    category: picklistValue,
    service: picklistValue,
    source: picklistValue,
    ownerTeam: picklistValue,
    customerRecId: picklistValue,
  }).prefault({}),
  /** How `closeTicket` closes an incident: a PATCH of `Status`, with `CauseCode` (the close code) and `Resolution`. */
  ticketClose: z.object({
    /** The Status value that closes (some tenants resolve first and let a rule close). */
    status: z.string().min(1).default('Closed'),
    /** The tenant's CauseCode values: the close codes `closeTicket` accepts. */
    closeCodes: z.array(z.string().min(1)).min(1).default(['Resolved', 'Workaround', 'False Positive', 'True Positive', 'Duplicate', 'Cancelled']),
  }).prefault({}),
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
});
export type IvantiSettings = z.infer<typeof ivantiSettings>;

export const ivantiItsmManifest: VendorManifest<IvantiClient> = {
  vendor: Vendor.IVANTI_ITSM,
  displayName: 'Ivanti Service Manager',
  capabilities: { tickets: (client, source) => ivantiTicketsPort(client, source, ivantiSettings.parse(source.settings)) },
  credentialKeys: ['apiKey'],
  settingsSchema: ivantiSettings,
  defaultPollIntervalSeconds: 120,
  createClient(source, deps) {
    const { apiKey } = requireCredentials(source, ['apiKey']);
    // baseUrl: https://<tenant>/api (cloud) or https://<host>/HEAT/api (on-prem).
    const http = new VendorHttp({
      ...sourceHttpOptions(source, deps),
      authenticate: (request) => {
        // Literal prefix, equals sign, no space, no "Bearer".
        request.headers.set('Authorization', `rest_api_key=${apiKey}`);
      },
      headers: { Accept: 'application/json' },
      secrets: [apiKey],
    });
    return new IvantiClient(http);
  },
  sandbox: createIvantiItsmSandbox,
};
