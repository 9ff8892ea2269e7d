import { z } from 'zod';
import { IVANTI_ITSM } from './vendor-id.js';
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
});
export type IvantiSettings = z.infer<typeof ivantiSettings>;

export const ivantiItsmManifest: VendorManifest<IvantiClient> = {
  vendor: IVANTI_ITSM,
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
};
