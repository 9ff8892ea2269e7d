import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { parseRequest } from '../kit/parse-request.js';
import { attachmentDto, incidentDto } from './dto.js';
import type { RenderOptions } from './field-catalog.js';
import { ResilientApiError } from './resilient-error.js';
import { TICKET_ID_FIELD, type IncidentRecord, type ResilientStore } from './store.js';

/** Read-back shows labels and text content exactly as stored. */
const READ_BACK: RenderOptions = { names: true, textFormat: 'objects_no_convert' };

const listQuery = z.object({ ticketId: z.string().optional(), planStatus: z.enum(['A', 'C']).optional() });
const uiEdit = z.object({ changes: z.record(z.string(), z.unknown()) });
const uiClose = z.object({
  closeCode: z.string().optional(),
  resolution: z.string().default('Resolved'),
  resolutionSummary: z.string().default('Closed in the Resilient UI.'),
});
const fieldFailures = z.object({ fields: z.array(z.string()).min(1) });
const seedRequest = z.object({
  count: z.number().int().min(1).max(100_000),
  firstTicketNumber: z.number().int().min(0).default(40_000_001),
});

/**
 * `/__sandbox/...` routes: act as an analyst in the SOAR UI (edit, close with close code/resolution/summary),
 * make the next hub PATCH conflict, and read back what the hub wrote.
 */
export function resilientControlRouter(store: ResilientStore): Router {
  const router = express.Router();
  router.use(express.json({ limit: '5mb' }));

  // Incidents as IBM's app escalates them, one per synthetic CTP ticket `IN<n>` (benches, scale tests).
  router.post('/seed', (req, res) => {
    const request = parse(seedRequest, req.body ?? {}, res);
    if (!request) return;
    const ids: number[] = [];
    for (let n = request.firstTicketNumber; n < request.firstTicketNumber + request.count; n += 1) {
      const ticketId = `IN${n}`;
      ids.push(store.create({
        name: `Secureworks CTP Incident - for Ticket ID ${ticketId}`,
        discovered_date: Date.now(),
        properties: { [TICKET_ID_FIELD]: ticketId, scwx_ctp_status: 'New' },
      }).id);
    }
    res.status(201).json({ created: ids.length, firstIncidentId: ids[0], lastIncidentId: ids.at(-1) });
  });

  router.get('/incidents', (req, res) => {
    const query = parse(listQuery, req.query, res);
    if (!query) return;
    const records = query.ticketId !== undefined ? store.withTicketId(query.ticketId) : [...store.all()];
    const incidents = records.filter((r) => !query.planStatus || r.values.plan_status === query.planStatus);
    res.json({ count: incidents.length, incidents: incidents.map((r) => readBack(store, r)) });
  });

  router.get('/incidents/:incidentId', (req, res) => {
    res.json(readBack(store, incident(store, req)));
  });

  // An analyst edits fields in the UI: values by field name, selects by label.
  router.patch('/incidents/:incidentId', (req, res) => {
    const record = incident(store, req);
    const request = parse(uiEdit, req.body ?? {}, res);
    if (!request) return;
    store.edit(record, request.changes);
    res.json(incidentDto(store, record, READ_BACK));
  });

  // An analyst closes the incident in the UI; the close dialog demands every close-required field.
  router.post('/incidents/:incidentId/close', (req, res) => {
    const record = incident(store, req);
    const request = parse(uiClose, req.body ?? {}, res);
    if (!request) return;
    store.edit(record, {
      plan_status: 'C',
      resolution_id: request.resolution,
      resolution_summary: { format: 'text', content: request.resolutionSummary },
      ...(request.closeCode === undefined ? {} : { scwx_ctp_close_code: request.closeCode }),
    });
    res.json(incidentDto(store, record, READ_BACK));
  });

  // The next hub PATCH of this incident that changes one of these fields answers success:false with them.
  router.post('/incidents/:incidentId/field-failures', (req, res) => {
    const record = incident(store, req);
    const request = parse(fieldFailures, req.body ?? {}, res);
    if (!request) return;
    store.injectFieldFailures(record.id, request.fields);
    res.status(204).end();
  });

  router.get('/closures', (_req, res) => {
    const closures = store.listClosures();
    res.json({ count: closures.length, closures });
  });

  router.get('/summary', (_req, res) => {
    res.json(store.totals());
  });

  router.use((err: Error, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ResilientApiError) return void res.status(err.status).json({ error: err.message });
    next(err);
  });
  return router;
}

/** Everything about one incident: the incident, its notes as stored, its attachments with sizes. */
function readBack(store: ResilientStore, record: IncidentRecord): Record<string, unknown> {
  return {
    incident: incidentDto(store, record, READ_BACK),
    ticketId: record.values[TICKET_ID_FIELD] ?? null,
    notes: store.commentsOf(record.id).map(({ id, parent_id, text, create_date }) => ({ id, parent_id, text, create_date })),
    attachments: store.attachmentsOf(record.id).map((a) => ({ ...attachmentDto(record, a), description: a.description })),
  };
}

function incident(store: ResilientStore, req: Request): IncidentRecord {
  return store.require(Number(req.params.incidentId));
}

function parse<S extends z.ZodType>(schema: S, input: unknown, res: Response): z.infer<S> | undefined {
  return parseRequest(schema, input, (message) => res.status(400).json({ error: message }));
}
