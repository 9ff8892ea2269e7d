import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { parseRequest } from '../kit/parse-request.js';
import { attachmentDto, commentDto, commentDtos, incidentDto } from './dto.js';
import type { RenderOptions } from './field-catalog.js';
import { incidentQuery, page, runIncidentQuery } from './query.js';
import { ResilientApiError, sendResilientError } from './resilient-error.js';
import { API_USER, DISABLED_ORG, ORG, type IncidentRecord, type ResilientStore } from './store.js';
import { TEXT_OUTPUT_FORMATS, toTextContent } from './text-content.js';

const incidentBody = z.record(z.string(), z.unknown());
const patchBody = z.object({
  version: z.number().int(),
  changes: z.array(z.object({
    field: z.string(),
    old_value: z.object({ object: z.unknown() }).nullish(),
    new_value: z.object({ object: z.unknown() }),
  })).min(1),
});
const putBody = z.looseObject({ vers: z.number().int() });
const commentBody = z.object({ text: z.unknown(), parent_id: z.number().int().nullish() });
const fieldBody = z.looseObject({
  text: z.string().optional(),
  required: z.enum(['always', 'close']).nullish(),
  values: z.array(z.looseObject({
    value: z.number().int().optional(),
    label: z.string(),
    enabled: z.boolean().optional(),
    hidden: z.boolean().optional(),
    default: z.boolean().optional(),
  })).optional(),
});
const outputQuery = z.looseObject({
  handle_format: z.enum(['names', 'ids']).optional(),
  text_content_output_format: z.enum(TEXT_OUTPUT_FORMATS).default('always_text'),
});

/** `GET /rest/session` and the org-scoped REST API (vendor notes A1–A5). */
export function resilientApiRouter(store: ResilientStore, credentials: { apiKeyId: string; apiKeySecret: string }): Router {
  const router = express.Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 100 * 1024 * 1024 } });

  router.use((req, res, next) => {
    // API keys go as HTTP Basic on every request; no session cookie or CSRF header is needed.
    const [scheme, encoded] = (req.get('authorization') ?? '').split(' ');
    const [id, ...secret] = scheme?.toLowerCase() === 'basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8').split(':') : [];
    if (id !== credentials.apiKeyId || secret.join(':') !== credentials.apiKeySecret) return sendResilientError(res, 401, 'Unauthorized');
    next();
  });
  router.use(express.json({ limit: '20mb' }));

  router.get('/rest/session', (req, res) => {
    res.json({
      user_id: API_USER.id,
      user_fname: API_USER.fname,
      user_lname: API_USER.lname,
      user_email: null,
      api_key_handle: 4,
      is_saml: false,
      session_ip: req.ip,
      orgs: [ORG, DISABLED_ORG].map((org) => ({
        ...org,
        perms: { administrator: false, create_incs: true, master_administrator: false, observer: false },
        role_handles: [],
      })),
    });
  });

  const org = express.Router({ mergeParams: true });
  router.use('/rest/orgs/:orgId', (req, res, next) => {
    const orgId = Number(req.params.orgId);
    if (orgId === DISABLED_ORG.id) return sendResilientError(res, 403, `Organization ${orgId} is disabled`);
    if (orgId !== ORG.id) return sendResilientError(res, 403, `Not a member of organization ${req.params.orgId}`);
    next();
  }, org);

  org.post('/incidents', (req, res) => {
    const dto = parse(incidentBody, req.body, res);
    const options = dto && renderOptions(req, res);
    if (!dto || !options) return;
    res.json(incidentDto(store, store.create(dto), options));
  });

  org.get('/incidents/:incidentId', (req, res) => {
    const options = renderOptions(req, res);
    if (!options) return;
    res.json(incidentDto(store, incident(store, req), options));
  });

  org.patch('/incidents/:incidentId', (req, res) => {
    const record = incident(store, req);
    const patch = parse(patchBody, req.body, res);
    const options = patch && renderOptions(req, res);
    if (!patch || !options) return;
    res.json(store.patch(record, patch.changes, options));
  });

  org.put('/incidents/:incidentId', (req, res) => {
    const record = incident(store, req);
    const dto = parse(putBody, req.body, res);
    const options = dto && renderOptions(req, res);
    if (!dto || !options) return;
    store.put(record, dto);
    res.json(incidentDto(store, record, options));
  });

  org.post('/incidents/query', (req, res) => {
    const query = parse(incidentQuery, req.body ?? {}, res);
    const options = query && renderOptions(req, res);
    if (!query || !options) return;
    res.json(runIncidentQuery(store, query).matches.map((r) => incidentDto(store, r, options)));
  });

  org.post('/incidents/query_paged', (req, res) => {
    const query = parse(incidentQuery, req.body ?? {}, res);
    const options = query && renderOptions(req, res);
    if (!query || !options) return;
    const { total, matches } = runIncidentQuery(store, query);
    res.json({ recordsTotal: total, recordsFiltered: matches.length, data: page(matches, query).map((r) => incidentDto(store, r, options)) });
  });

  org.get('/incidents/:incidentId/comments', (req, res) => {
    const record = incident(store, req);
    const options = renderOptions(req, res);
    if (!options) return;
    res.json(commentDtos(store, record, options.textFormat));
  });

  org.post('/incidents/:incidentId/comments', (req, res) => {
    const record = incident(store, req);
    const body = parse(commentBody, req.body, res);
    const options = body && renderOptions(req, res);
    if (!body || !options) return;
    const text = toTextContent(body.text, 'text');
    if (!text) throw new ResilientApiError(400, `A comment needs 'text'`);
    const comment = store.addComment(record.id, text, body.parent_id ?? null);
    res.json(commentDto(record, comment, store.commentsOf(record.id), options.textFormat));
  });

  org.get('/incidents/:incidentId/attachments', (req, res) => {
    const record = incident(store, req);
    res.json(store.attachmentsOf(record.id).map((a) => attachmentDto(record, a)));
  });

  org.post('/incidents/:incidentId/attachments', upload.single('file'), (req, res) => {
    const record = incident(store, req);
    if (!req.file) throw new ResilientApiError(400, `Multipart part 'file' is required`);
    const description = typeof req.body?.description === 'string' ? req.body.description : null;
    const attachment = store.addAttachment(record.id, {
      name: req.file.originalname,
      contentType: req.file.mimetype || 'application/octet-stream',
      content: req.file.buffer,
      description,
    });
    res.json(attachmentDto(record, attachment));
  });

  org.get('/incidents/:incidentId/attachments/:attachmentId/contents', (req, res) => {
    const record = incident(store, req);
    const attachment = store.attachmentsOf(record.id).find((a) => a.id === Number(req.params.attachmentId));
    if (!attachment) throw new ResilientApiError(404, `Unable to find object with ID ${req.params.attachmentId}`);
    res.type(attachment.content_type).send(attachment.content);
  });

  org.get('/types/incident', (_req, res) => {
    res.json({
      type_id: 0,
      type_name: 'incident',
      display_name: 'Incident',
      fields: Object.fromEntries(store.catalog.all().map((f) => [f.name, f])),
    });
  });

  org.get('/types/incident/fields/:fieldName', (req, res) => {
    const field = store.catalog.get(String(req.params.fieldName));
    if (!field) throw new ResilientApiError(404, `Unable to find object with ID ${req.params.fieldName}`);
    res.json(field);
  });

  org.put('/types/incident/fields/:fieldName', (req, res) => {
    const body = parse(fieldBody, req.body, res);
    if (!body) return;
    const name = String(req.params.fieldName);
    if (!store.catalog.get(name)) throw new ResilientApiError(404, `Unable to find object with ID ${name}`);
    res.json(store.catalog.replace(name, body));
  });

  router.use((err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ResilientApiError) return sendResilientError(res, err.status, err.message);
    if (err.type === 'entity.parse.failed') return sendResilientError(res, 400, 'Malformed JSON body');
    if (err instanceof multer.MulterError) return sendResilientError(res, 400, err.message);
    next(err);
  });
  return router;
}

function incident(store: ResilientStore, req: Request): IncidentRecord {
  const id = Number(req.params.incidentId);
  if (!Number.isInteger(id)) throw new ResilientApiError(404, `Unable to find object with ID ${req.params.incidentId}`);
  return store.require(id);
}

/** `handle_format` comes as a query parameter, or (on PATCH, from IBM's client) as a header. */
function renderOptions(req: Request, res: Response): RenderOptions | undefined {
  const query = parse(outputQuery, { handle_format: req.get('handle_format'), ...req.query }, res);
  return query && { names: query.handle_format === 'names', textFormat: query.text_content_output_format };
}

function parse<S extends z.ZodType>(schema: S, input: unknown, res: Response): z.infer<S> | undefined {
  return parseRequest(schema, input, (message) => sendResilientError(res, 400, message));
}
