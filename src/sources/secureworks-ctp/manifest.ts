import { z } from 'zod';
import { SECUREWORKS_CTP } from './vendor-id.js';
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
});
export type SecureworksCtpSettings = z.infer<typeof secureworksCtpSettings>;

export const secureworksCtpManifest: VendorManifest<SecureworksCtpClient> = {
  vendor: SECUREWORKS_CTP,
  displayName: 'Secureworks Counter Threat Platform',
  capabilities: { tickets: ctpTicketsPort },
  credentialKeys: ['username', 'password'],
  settingsSchema: secureworksCtpSettings,
  defaultPollIntervalSeconds: 600, // IBM's fn_secureworks_ctp default
  createClient: (source, deps) => createSecureworksCtpClient(source, deps),
};
