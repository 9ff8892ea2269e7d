import { z } from 'zod';
import { SECUREWORKS_CTP } from '../../sources/secureworks-ctp/vendor-id.js';
import { secureworksCtpSettings } from '../../sources/secureworks-ctp/manifest.js';
import type { FlowSourceSettings } from '../flow-module.js';

/**
 * How the sync escalates a CTP source's tickets to Resilient: keys of the CTP source's `settings`, beside the
 * vendor's own (`ticketQueries`, `queryLimit`); the config format is unchanged.
 */
export const ctpResilientShape = {
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
};

export const ctpResilientSourceSettings: FlowSourceSettings = { vendor: SECUREWORKS_CTP, shape: ctpResilientShape };

/** A CTP source's settings as the sync reads them: the vendor's keys and the flow's. */
export const ctpResilientSettings = secureworksCtpSettings.extend(ctpResilientShape);
export type CtpResilientSettings = z.infer<typeof ctpResilientSettings>;
