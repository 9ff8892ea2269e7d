import { z } from 'zod';
import { Vendor } from '../../domain/vendor.js';
import { createSecureworksCtpSandbox } from '../../sandbox/secureworks-ctp/index.js';
import type { VendorManifest } from '../manifest.js';
import { createSecureworksCtpClient, type SecureworksCtpClient } from './client.js';
import { ctpTicketsPort } from './tickets-port.js';
import { GROUPING_TYPES, TICKET_TYPES } from './wire.js';

export const secureworksCtpSettings = z.object({
  /** One feed query per pair, like IBM's `query_ticket_grouping_types` (`INCIDENT:SECURITY`); no grouping = all. */
  ticketQueries: z.array(z.object({
    ticketType: z.enum(TICKET_TYPES),
    groupingType: z.enum(GROUPING_TYPES).optional(),
  })).min(1).default([{ ticketType: 'INCIDENT', groupingType: 'SECURITY' }]),
  /** `limit` of each feed call (CTP allows 1–500). IBM's app uses 10; bigger pages mean fewer calls per poll. */
  queryLimit: z.number().int().min(1).max(500).default(100),
  /** When set, the sync replaces the values of Resilient's close-code select with these (IBM's `close_codes`). */
  closeCodes: z.array(z.string().min(1)).min(1).optional(),
  /** The IBM Resilient source tickets are escalated to (default: the only one configured). */
  resilientSource: z.string().optional(),
  /** Template override files (jinja syntax), like IBM's `template_file_escalate|update|close`. */
  templates: z.object({ escalate: z.string(), update: z.string(), close: z.string() }).partial().strict().default({}),
  /** Time zone of `readable_datetime` in templates and notes (IBM's app used the server's local time). */
  timeZone: z.string().default('UTC'),
  /** Create incidents for tickets already closed when first seen (IBM's app only mirrors them). */
  importClosedTickets: z.boolean().default(false),
  /**
   * A ticket open in CTP whose incident is closed (reopened in the portal, or a new ticket reusing the id of an
   * incident closed long ago) reopens the incident (`plan_status` A, event INCIDENT_REOPENED). Off: the incident
   * stays closed; either way that old close never closes the ticket again.
   */
  reopenIncidents: z.boolean().default(true),
  /** Close code used when a closed ticket's reason is not one of Resilient's close codes (a warning is recorded). */
  defaultCloseCode: z.string().min(1).default('Work Completed'),
  /** Tickets processed at once within a feed page. */
  concurrency: z.number().int().min(1).max(32).default(8),
});
export type SecureworksCtpSettings = z.infer<typeof secureworksCtpSettings>;

export const secureworksCtpManifest: VendorManifest<SecureworksCtpClient> = {
  vendor: Vendor.SECUREWORKS_CTP,
  displayName: 'Secureworks Counter Threat Platform',
  capabilities: { tickets: ctpTicketsPort },
  credentialKeys: ['username', 'password'],
  settingsSchema: secureworksCtpSettings,
  defaultPollIntervalSeconds: 600, // IBM's fn_secureworks_ctp default
  createClient: (source, deps) => createSecureworksCtpClient(source, deps),
  sandbox: createSecureworksCtpSandbox,
};
