import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { GROUPING_TYPES, TICKET_TYPES } from '../../sources/secureworks-ctp/wire.js';
import { parseRequest } from '../kit/parse-request.js';
import { seedTickets } from './seed.js';
import { CTP_STATUSES, type CtpStore, type HubWriteKind, type TicketRecord } from './store.js';
import { ticketJson } from './ticket-json.js';

const idName = z.object({ id: z.string(), name: z.string() });

/** Ticket fields Secureworks (the SOC, the portal) can set. Strict, so a typo in a test fails loudly. */
const ticketFields = z.strictObject({
  status: z.enum(CTP_STATUSES),
  priority: z.string(),
  impact: z.string(),
  urgency: z.string(),
  symptomDescription: z.string(),
  detailedDescription: z.string(),
  contact: idName,
  client: idName,
  clientLocation: idName,
  category: z.string(),
  categoryClass: z.string(),
  categoryType: z.string(),
  categoryItem: z.string(),
  requestType: z.string(),
  reason: z.string().nullable(),
  assignedGroup: z.string(),
  responsibleParty: z.enum(['CLIENT', 'SOC']),
  eventSource: z.string(),
  isGlobalParent: z.boolean(),
  isGlobalChild: z.boolean(),
}).partial();

const newTicket = ticketFields.extend({
  ticketType: z.enum(TICKET_TYPES).default('INCIDENT'),
  groupingType: z.enum(GROUPING_TYPES).default('SECURITY'),
  dateCreated: z.number().int().optional(),
  closeCodes: z.array(z.string()).optional(),
  closeAvailable: z.boolean().optional(),
});

const seedRequest = z.object({
  count: z.number().int().min(1).max(100_000),
  worklogsPerTicket: z.number().int().min(0).max(100).default(0),
  attachmentsPerTicket: z.number().int().min(0).max(20).default(0),
  attachmentBytes: z.number().int().min(0).max(10_000_000).default(4096),
  ticketType: z.enum(TICKET_TYPES).default('INCIDENT'),
  groupingType: z.enum(GROUPING_TYPES).default('SECURITY'),
  status: z.enum(CTP_STATUSES).default('New'),
});

const socWorklog = z.object({
  description: z.string().min(1),
  type: z.string().default('Client Note'),
  createdBy: z.string().optional().default('Secureworks SOC'),
});

const socAttachment = z.object({
  name: z.string().min(1),
  contentBase64: z.string().optional(),
  text: z.string().optional(),
  createdBy: z.string().default('Secureworks SOC'),
}).refine((v) => (v.contentBase64 === undefined) !== (v.text === undefined), 'give exactly one of contentBase64 or text');

const portalClose = z.object({
  closeCode: z.string().min(1),
  worklogContent: z.string().optional(),
  status: z.enum(['Closed', 'Resolved']).default('Closed'),
  closedBy: z.string().optional(),
});

const closeCodes = z.object({ closeCodes: z.array(z.string().min(1)), available: z.boolean().default(true) });
const settings = z.object({ requireAcknowledgeBeforeClose: z.boolean() });
const clock = z.object({ advanceMs: z.number().int() });
const writesQuery = z.object({
  kind: z.enum(['acknowledge', 'close', 'worklog', 'update'] satisfies HubWriteKind[]).optional(),
  ticketId: z.string().optional(),
});

/**
 * `/__sandbox/...` routes: act as Secureworks and its portal users would (create, change, comment, attach,
 * close), shape the account (close codes, ack-before-close, clock), and read back what the hub wrote.
 */
export function ctpControlRouter(store: CtpStore): Router {
  const router = express.Router();
  router.use(express.json({ limit: '50mb' }));

  router.post('/seed', (req, res) => {
    const request = parse(seedRequest, req.body, res);
    if (!request) return;
    const tickets = seedTickets(store, request);
    res.status(201).json({ created: tickets.length, ticketIds: tickets.map((t) => t.ticketId) });
  });

  router.post('/tickets', (req, res) => {
    const request = parse(newTicket, req.body ?? {}, res);
    if (!request) return;
    const { ticketType, groupingType, dateCreated, closeCodes: codes, closeAvailable, ...fields } = request;
    const record = store.create({ ticketType, groupingType, dateCreated, fields, closeCodes: codes, closeAvailable });
    res.status(201).json(ticketJson(record));
  });

  router.get('/tickets/:ticketId', (req, res) => {
    const record = find(store, req, res);
    if (!record) return;
    res.json({
      ticket: ticketJson(record),
      acknowledgedVersion: record.ackedVersion,
      inFeed: record.ackedVersion !== record.version,
      attachments: record.attachments.map(({ id, name, content }) => ({ id, name, size: content.length })),
      hubWrites: store.listWrites({ ticketId: record.ticketId }),
    });
  });

  router.patch('/tickets/:ticketId', (req, res) => {
    const record = find(store, req, res);
    const fields = record && parse(ticketFields, req.body ?? {}, res);
    if (!record || !fields) return;
    store.update(record, fields);
    res.json(ticketJson(record));
  });

  router.post('/tickets/:ticketId/worklogs', (req, res) => {
    const record = find(store, req, res);
    const worklog = record && parse(socWorklog, req.body ?? {}, res);
    if (!record || !worklog) return;
    res.status(201).json(store.addWorklog(record, worklog));
  });

  router.post('/tickets/:ticketId/attachments', (req, res) => {
    const record = find(store, req, res);
    const request = record && parse(socAttachment, req.body ?? {}, res);
    if (!record || !request) return;
    const content = request.text !== undefined ? Buffer.from(request.text, 'utf8') : Buffer.from(request.contentBase64!, 'base64');
    const attachment = store.addAttachment(record, request.name, content, request.createdBy);
    res.status(201).json({ id: attachment.id, name: attachment.name, size: content.length });
  });

  // A customer closing the ticket in the CTP portal: any reason, no close-code list check.
  router.post('/tickets/:ticketId/close', (req, res) => {
    const record = find(store, req, res);
    const request = record && parse(portalClose, req.body ?? {}, res);
    if (!record || !request) return;
    store.close(record, {
      closeCode: request.closeCode,
      worklogContent: request.worklogContent ?? null,
      status: request.status,
      closedBy: request.closedBy ?? record.fields.contact.name,
    });
    res.json(ticketJson(record));
  });

  router.put('/tickets/:ticketId/close-codes', (req, res) => {
    const record = find(store, req, res);
    const request = record && parse(closeCodes, req.body ?? {}, res);
    if (!record || !request) return;
    store.setCloseCodes(record, request.closeCodes, request.available);
    res.json({ closeCodes: record.closeCodes, available: record.closeAvailable });
  });

  router.get('/writes', (req, res) => {
    const query = parse(writesQuery, req.query, res);
    if (!query) return;
    const writes = store.listWrites(query);
    res.json({ count: writes.length, writes });
  });

  router.get('/summary', (_req, res) => {
    res.json({
      tickets: store.size,
      inFeed: [...store.pending({ ticketTypes: [], groupingTypes: [] })].length,
      closesByHub: store.listWrites({ kind: 'close' }).length,
      acknowledgements: store.listWrites({ kind: 'acknowledge' }).length,
      worklogsByHub: store.listWrites({ kind: 'worklog' }).length,
    });
  });

  router.put('/settings', (req, res) => {
    const request = parse(settings, req.body ?? {}, res);
    if (!request) return;
    store.requireAcknowledgeBeforeClose = request.requireAcknowledgeBeforeClose;
    res.json(request);
  });

  router.post('/clock', (req, res) => {
    const request = parse(clock, req.body ?? {}, res);
    if (!request) return;
    store.clockOffsetMs += request.advanceMs;
    res.json({ now: store.now() });
  });

  return router;
}

function find(store: CtpStore, req: Request, res: Response): TicketRecord | undefined {
  const record = store.get(String(req.params.ticketId));
  if (!record) res.status(404).json({ error: `no ticket ${req.params.ticketId}` });
  return record;
}

function parse<S extends z.ZodType>(schema: S, input: unknown, res: Response): z.infer<S> | undefined {
  return parseRequest(schema, input, (message) => res.status(400).json({ error: message }));
}
