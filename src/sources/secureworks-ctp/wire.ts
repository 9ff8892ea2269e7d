import { z } from 'zod';

/**
 * Secureworks CTP Ticket API v3 as it really answers (vendor notes: /work/shared/vendors/secureworks-ctp.md).
 * Ticket objects are parsed loosely: the hub keeps every field CTP sends (TicketData.fields), and only the
 * fields it acts on are checked here.
 */

export const TICKET_TYPES = ['SERVICE_REQUEST', 'INCIDENT', 'CHANGE'] as const;
export const GROUPING_TYPES = ['REQUEST', 'CHANGE', 'HEALTH', 'SECURITY'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export type GroupingType = (typeof GROUPING_TYPES)[number];

/** `worklogs` parameter of the updates feed: all worklogs, only those since the last acknowledgement, or none. */
export type FeedWorklogs = 'ALL' | 'UPDATED' | 'NONE';

const idName = z.looseObject({ id: z.string().nullish(), name: z.string().nullish() });

/** Worklogs have no id; `dateCreated` + `type` is their identity (as in IBM's fn_secureworks_ctp). */
export const ctpWorklog = z.looseObject({
  createdBy: z.string().nullish(), // missing on system notifications
  dateCreated: z.number(),
  description: z.string().nullish().transform((v) => v ?? ''),
  type: z.string(),
});
export type CtpWorklog = z.infer<typeof ctpWorklog>;

export const ctpAttachmentInfo = z.looseObject({ id: z.string(), name: z.string().nullish().transform((v) => v ?? '') });
export type CtpAttachmentInfo = z.infer<typeof ctpAttachmentInfo>;

/** `availableActions.*.available` are the strings "true"/"false", not booleans. */
const availableAction = z.looseObject({ available: z.string().optional() });

/** An open ticket's `dateClosed` may be missing, null, or "" (XSOAR turns a falsy value into ""). */
const optionalEpochMs = z.union([z.number(), z.literal(''), z.null()]).optional()
  .transform((v) => (typeof v === 'number' ? v : null));

export const ctpTicket = z.looseObject({
  ticketId: z.string(),
  ticketType: z.string().nullish(),
  groupingType: z.string().nullish(),
  version: z.string(),
  status: z.string(),
  priority: z.string().nullish(),
  symptomDescription: z.string().nullish(),
  detailedDescription: z.string().nullish(),
  reason: z.string().nullish(),
  dateCreated: z.number(),
  dateModified: z.number().nullish(),
  dateClosed: optionalEpochMs,
  contact: idName.nullish(),
  // IBM's app breaks on a null list; we read null as empty.
  worklogs: z.array(ctpWorklog).nullish().transform((v) => v ?? []),
  attachmentInfo: z.array(ctpAttachmentInfo).nullish().transform((v) => v ?? []),
  availableActions: z.looseObject({
    close: availableAction.extend({ closeCode: z.array(z.string()).optional() }).optional(),
  }).nullish(),
});
export type CtpTicket = z.infer<typeof ctpTicket>;

/** `POST /tickets/updates`. */
export const ticketUpdatesResponse = z.object({ tickets: z.array(ctpTicket) });

/** `POST /tickets/count`. */
export const ticketCountResponse = z.looseObject({ ticketCount: z.number().int().min(0) });

export const ticketAcknowledgement = z.looseObject({ ticketId: z.string().optional(), code: z.string() });
export type TicketAcknowledgement = z.infer<typeof ticketAcknowledgement>;

/**
 * `POST /tickets/acknowledge`: the shape is undocumented. IBM's builds read a single `{code, ticketId}` and
 * later a list of them; both are accepted and read as a list.
 */
export const acknowledgeResponse = z.union([z.array(ticketAcknowledgement), ticketAcknowledgement])
  .transform((v) => (Array.isArray(v) ? v : [v]));

/**
 * `{code, ticketID}` from close/create/update (capital D), `{code, ticketId}` from add-worklog: both spellings
 * are accepted.
 */
export const ticketActionResponse = z.looseObject({
  code: z.string(),
  ticketID: z.string().optional(),
  ticketId: z.string().optional(),
}).transform(({ code, ticketID, ticketId }) => ({ code, ticketId: ticketID ?? ticketId ?? null }));
export type TicketActionResult = z.infer<typeof ticketActionResponse>;

/** `GET /tickets/{id}/close-codes`. */
export const closeCodesResponse = z.object({ closeCodes: z.array(z.string()) });

/**
 * `GET /tickets/{id}/attachments/{attachmentId}`: XSOAR reads `{attachment: {filename, content}}` with base64
 * content; IBM's app reads a top-level `content`. The wrapped shape is preferred, the flat one a fallback.
 */
export const attachmentResponse = z.looseObject({
  attachment: z.looseObject({ filename: z.string().nullish(), content: z.string() }).optional(),
  content: z.string().optional(),
  filename: z.string().nullish(),
}).refine((v) => v.attachment !== undefined || v.content !== undefined, 'neither attachment.content nor content is present')
  .transform((v) => ({
    filename: v.attachment?.filename ?? v.filename ?? null,
    contentBase64: (v.attachment?.content ?? v.content) as string,
  }));
