import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { GROUPING_TYPES, TICKET_TYPES } from '../../sources/secureworks-ctp/wire.js';
import type { FeedFilter } from './pending-feed.js';
import { parseRequest } from '../kit/parse-request.js';
import type { CtpStore, TicketRecord } from './store.js';
import { ticketJson } from './ticket-json.js';

/** CTP's error body is not public; this follows the `code` convention of its success answers. */
export function ctpError(res: Response, status: number, message: string): void {
  res.status(status).json({ code: 'ERROR', message });
}

const feedFilterQuery = z.object({
  ticketType: z.enum(TICKET_TYPES).optional(),
  // "Limit response to tickets matching the grouping type(s)": a repeated parameter gives several.
  groupingType: z.union([z.enum(GROUPING_TYPES), z.array(z.enum(GROUPING_TYPES))]).optional(),
  // Early IBM builds: "true returns only tickets assigned to the client, false returns all".
  assignedToCustomer: z.enum(['true', 'false']).optional(),
});
const updatesQuery = feedFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(10),
  worklogs: z.enum(['ALL', 'UPDATED', 'NONE']).default('ALL'),
});
const idsQuery = feedFilterQuery.extend({ limit: z.coerce.number().int().min(1).max(500).default(10) });

const acknowledgeBody = z.object({
  ticketVersions: z.array(z.object({ ticketId: z.string(), version: z.string() })).min(1),
});
const closeBody = z.object({ closeCode: z.string().min(1), worklogContent: z.string().nullish() });
const worklogBody = z.object({ content: z.string().min(1) });
const updateBody = z.strictObject({
  externalTicketNum: z.string().optional(),
  externalTicketNum2: z.string().optional(),
  externalGroupName: z.string().optional(),
  vendor: z.string().optional(),
  watchers: z.array(z.string()).optional(),
  customerMiscellaneous1: z.string().optional(),
  customerMiscellaneous2: z.string().optional(),
  customerMiscellaneous3: z.string().optional(),
  customerMiscellaneous4: z.string().optional(),
});
const getTicketQuery = z.object({ includeWorklogs: z.enum(['true', 'false']).default('true') });

/** The Ticket API v3 routes, under the sandbox's base path. */
export function ctpApiRouter(store: CtpStore, credentials: { username: string; password: string }): Router {
  const router = express.Router();
  const expectedAuthorization = `APIKEY ${credentials.username}:${credentials.password}`;

  router.use((req, res, next) => {
    // Exactly `APIKEY user:secret`: no base64, no session, on every call.
    if (req.get('authorization') !== expectedAuthorization) return ctpError(res, 401, 'Invalid API key or credentials');
    next();
  });
  router.use(express.json({ limit: '5mb' }));

  router.post('/tickets/updates', (req, res) => {
    const query = parse(updatesQuery, req.query, res);
    if (!query) return;
    const tickets = take(pendingTickets(store, query), query.limit);
    res.json({ tickets: tickets.map((t) => ticketJson(t, query.worklogs)) });
  });

  router.post('/tickets/count', (req, res) => {
    const query = parse(feedFilterQuery, req.query, res);
    if (!query) return;
    res.json({ ticketCount: [...pendingTickets(store, query)].length });
  });

  router.post('/tickets/ids', (req, res) => {
    const query = parse(idsQuery, req.query, res);
    if (!query) return;
    res.json({ ticketIds: take(pendingTickets(store, query), query.limit).map((t) => t.ticketId) });
  });

  router.post('/tickets/acknowledge', (req, res) => {
    const body = parse(acknowledgeBody, req.body, res);
    if (!body) return;
    const at = store.now();
    res.json(body.ticketVersions.map(({ ticketId, version }) => {
      const code = store.acknowledge(ticketId, version);
      store.recordWrite({ kind: 'acknowledge', at, ticketId, version, code });
      return { ticketId, code };
    }));
  });

  router.get('/tickets/:ticketId', (req, res) => {
    const record = findTicket(store, req, res);
    const query = record && parse(getTicketQuery, req.query, res);
    if (!record || !query) return;
    res.json(ticketJson(record, query.includeWorklogs === 'true' ? 'ALL' : 'NONE'));
  });

  router.post('/tickets/:ticketId', (req, res) => {
    const record = findTicket(store, req, res);
    const changes = record && parse(updateBody, req.body ?? {}, res);
    if (!record || !changes) return;
    store.update(record, changes);
    store.recordWrite({ kind: 'update', at: store.now(), ticketId: record.ticketId, changes });
    res.json({ code: 'SUCCESS', ticketID: record.ticketId }); // capital D, as CTP spells it here
  });

  router.get('/tickets/:ticketId/close-codes', (req, res) => {
    const record = findTicket(store, req, res);
    if (!record) return;
    res.json({ closeCodes: record.closeCodes });
  });

  router.post('/tickets/:ticketId/close', (req, res) => {
    const record = findTicket(store, req, res);
    const body = record && parse(closeBody, req.body ?? {}, res);
    if (!record || !body) return;
    const refusal = store.closeRefusal(record, body.closeCode);
    if (refusal) return ctpError(res, 400, refusal);
    const worklogContent = body.worklogContent || null;
    store.close(record, { closeCode: body.closeCode, worklogContent, status: 'Closed', closedBy: credentials.username });
    store.recordWrite({ kind: 'close', at: store.now(), ticketId: record.ticketId, closeCode: body.closeCode, worklogContent });
    res.json({ code: 'SUCCESS', ticketID: record.ticketId }); // capital D, as CTP spells it here
  });

  router.post('/tickets/:ticketId/worklogs', (req, res) => {
    const record = findTicket(store, req, res);
    const body = record && parse(worklogBody, req.body ?? {}, res);
    if (!record || !body) return;
    store.addWorklog(record, { createdBy: credentials.username, description: body.content, type: 'Customer Comment' });
    store.recordWrite({ kind: 'worklog', at: store.now(), ticketId: record.ticketId, content: body.content });
    res.json({ code: 'SUCCESS', ticketId: record.ticketId });
  });

  // IBM's app sends a JSON body on this GET; it is ignored.
  router.get('/tickets/:ticketId/attachments/:attachmentId', (req, res) => {
    const record = findTicket(store, req, res);
    if (!record) return;
    const attachment = record.attachments.find((a) => a.id === req.params.attachmentId);
    if (!attachment) return ctpError(res, 404, `Attachment ${req.params.attachmentId} not found on ticket ${record.ticketId}`);
    res.json({ attachment: { filename: attachment.name, content: attachment.content.toString('base64') } });
  });

  router.use((err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return ctpError(res, 400, 'Malformed JSON body');
    next(err);
  });
  return router;
}

function pendingTickets(store: CtpStore, query: z.infer<typeof feedFilterQuery>): Iterable<TicketRecord> {
  const filter: FeedFilter = {
    ticketTypes: query.ticketType ? [query.ticketType] : [],
    groupingTypes: query.groupingType === undefined ? [] : [query.groupingType].flat(),
  };
  const pending = store.pending(filter);
  if (query.assignedToCustomer !== 'true') return pending;
  return (function* () {
    for (const record of pending) if (record.fields.responsibleParty === 'CLIENT') yield record;
  })();
}

function take<T>(items: Iterable<T>, limit: number): T[] {
  const out: T[] = [];
  for (const item of items) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}

function findTicket(store: CtpStore, req: Request, res: Response): TicketRecord | undefined {
  const ticketId = String(req.params.ticketId);
  const record = store.get(ticketId);
  if (!record) ctpError(res, 404, `Ticket ${ticketId} not found`);
  return record;
}

function parse<S extends z.ZodType>(schema: S, input: unknown, res: Response): z.infer<S> | undefined {
  return parseRequest(schema, input, (message) => ctpError(res, 400, message));
}
