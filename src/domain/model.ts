/**
 * The unified model as vendor adapters produce it (`map.ts` of each vendor): plain data, vendor-neutral.
 * The store persists it; the GraphQL types expose it.
 */
export type TicketStatus = 'OPEN' | 'IN_PROGRESS' | 'PENDING' | 'CLOSED';
export type IncidentStatus = 'OPEN' | 'CLOSED';
export type Priority = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' | 'UNKNOWN';
/** The kinds of indicator the hub stores (the GraphQL enum `IndicatorType`; the one definition). */
export const IndicatorType = {
  IPV4: 'IPV4', IPV6: 'IPV6', DOMAIN: 'DOMAIN', URL: 'URL', EMAIL: 'EMAIL', MD5: 'MD5', SHA1: 'SHA1', SHA256: 'SHA256', SHA512: 'SHA512', SSDEEP: 'SSDEEP',
} as const;
export type IndicatorType = (typeof IndicatorType)[keyof typeof IndicatorType];
export type Verdict = 'MALICIOUS' | 'SUSPICIOUS' | 'HARMLESS' | 'UNKNOWN';

export interface WorklogData {
  /** Stable identity within the ticket (e.g. CTP: dateCreated + type; Ivanti: journal RecId). */
  externalKey: string;
  author: string | null;
  type: string | null;
  body: string;
  createdAt: Date;
}

export interface AttachmentData {
  externalId: string;
  name: string;
  contentType?: string | null;
  size?: number | null;
}

export interface TicketData {
  externalId: string;
  url: string | null;
  title: string;
  description: string | null;
  status: TicketStatus;
  vendorStatus: string;
  priority: Priority;
  ticketType: string | null;
  groupingType: string | null;
  closeCode: string | null;
  /** Close codes this ticket accepts, when the vendor says. */
  closeCodes: string[] | null;
  /** Vendor's change marker (CTP `version`, Ivanti LastModDateTime). */
  version: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** The vendor's fields as it sent them. */
  fields: Record<string, unknown>;
  worklogs: WorklogData[];
  attachments: AttachmentData[];
}

export interface IncidentNoteData {
  externalId: string | null;
  body: string;
  createdAt: Date;
}

export interface IncidentData {
  externalId: string;
  url: string | null;
  title: string;
  description: string | null;
  status: IncidentStatus;
  severity: string | null;
  phase: string | null;
  resolution: string | null;
  resolutionSummary: string | null;
  customFields: Record<string, unknown>;
  /** Vendor's optimistic-concurrency version (Resilient `vers`). */
  version: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}
