import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import multer from 'multer';
import type { IvantiErrorBody } from '../../sources/ivanti-itsm/wire.js';
import type { SandboxContext } from '../kit/index.js';
import { ODataQueryError, parseFilter, parseOrderBy, parseSearch, type FieldResolver } from './odata-query.js';
import { createAttachment, createIncident, createJournalNote, render, updateIncident, type Author } from './records.js';
import {
  ATTACHMENT_FIELDS, INCIDENT_FIELDS, JOURNAL_NOTE_FIELDS, PICKLISTS,
  type FieldValue, type IvantiRecord, type IvantiStore,
} from './store.js';
import { LOGIN_ACCOUNT, type TenantSettings } from './tenant.js';

export interface IvantiApiDeps {
  apiKey: string;
  store: IvantiStore;
  tenant: TenantSettings;
  ctx: SandboxContext;
}

/** `$top` Ivanti allows, and what it serves when `$top` is absent (undocumented; clients must always page). */
const MAX_TOP = 100;
const DEFAULT_TOP = 25;

/** Fields Ivanti computes or stamps itself; a create that sends them is not refused, they are just not taken. */
const SYSTEM_FIELDS = new Set(['recid', 'incidentnumber', 'priority', 'socialtextheader', 'lastmodby', 'lastmoddatetime', 'createddatetime',
  'readonly', 'isinfinalstate', 'displaytext', 'journaltype', 'isunread']);

interface EntitySet {
  /** The wire name (`@odata.context`). */
  name: string;
  /** Business-object name in error messages. */
  objectName: string;
  resolve: FieldResolver;
  rows(): IvantiRecord[];
}

/**
 * Ivanti Service Manager REST (OData) under `/api` and `/HEAT/api`: `rest_api_key` auth; incidents,
 * `journal__Notess` and attachments collections with the `$filter`/`$orderby`/`$top`/`$skip`/`$select`/`$search`
 * subset and the irregular empty answers; single records; the incident's attachment and journal relationships;
 * incident and journal-note creation; attachment download.
 */
export function ivantiApi({ apiKey, store, tenant, ctx }: IvantiApiDeps): Router {
  const api = express.Router();
  const resolverOf = (fields: readonly string[], extra: () => Iterable<string> = () => []): FieldResolver => (name) => {
    const lower = name.toLowerCase();
    return [...fields, ...extra()].find((f) => f.toLowerCase() === lower);
  };
  const sets: Record<string, EntitySet> = {
    incidents: { name: 'incidents', objectName: 'Incident', resolve: resolverOf(INCIDENT_FIELDS, () => store.customIncidentFields), rows: () => [...store.incidents.values()] },
    journal__notess: { name: 'journal__notess', objectName: 'Journal', resolve: resolverOf(JOURNAL_NOTE_FIELDS), rows: () => [...store.notes.values()] },
    attachments: { name: 'attachments', objectName: 'Attachment', resolve: resolverOf(ATTACHMENT_FIELDS), rows: () => [...store.attachments.values()].map((a) => a.record) },
  };
  const apiAuthor = (): Author => ({ user: tenant.apiUser, via: 'api', at: new Date() });
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 50 * 1024 * 1024 } });
  const apiRoot = (req: Request) => `${ctx.origin()}${req.baseUrl.replace(/\/odata\/businessobject$/i, '')}`;

  api.use(express.json({ limit: '10mb' }));
  // Session login: the body is a JSON string session id, sent raw as `Authorization` afterwards.
  api.post('/rest/authentication/login', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const tenantHost = String(body.tenant ?? '').replace(/^https?:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
    const known = [req.get('host'), req.hostname].filter(Boolean).map((h) => String(h).toLowerCase());
    if (!known.includes(tenantHost) || body.username !== LOGIN_ACCOUNT.username || body.password !== LOGIN_ACCOUNT.password) {
      return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload',
        ['Unhandled system exception: Tenant Not Found or wrong Password or OpenID not Configured Properly.']);
    }
    const sessionId = `${tenantHost}#${randomBytes(16).toString('hex').toUpperCase()}#2`;
    store.sessions.add(sessionId);
    res.json(sessionId);
  });

  api.use((req, res, next) => {
    const authorization = req.get('authorization') ?? '';
    if (store.sessions.has(authorization)) return next();
    // A session id that is no longer (or never was) valid: the documented session-timeout answer.
    if (authorization.includes('#')) {
      return void sendError(res, 401, 'ISM_4001', 'Invalid session key or session timed out', ['Authentication required']);
    }
    if (authorization !== `rest_api_key=${apiKey}`) {
      return void sendError(res, 401, 'ISM_4001', 'Invalid session key or session timed out', ['Invalid Session key or Authentication token or Host']);
    }
    next();
  });

  api.get('/rest/Attachment', (req, res) => {
    const id = typeof req.query.ID === 'string' ? req.query.ID : '';
    if (!id) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', ['Key value cannot be empty']);
    const attachment = store.attachments.get(id.toUpperCase());
    if (!attachment) return void sendError(res, 404, 'ISM_4004', 'Requested resource not found', [`Attachment '${id}' not found`]);
    res.set({ 'Content-Type': attachment.contentType, 'Content-Disposition': `attachment; filename=${attachment.record.ATTACHNAME}` });
    res.send(attachment.bytes);
  });

  // Upload: multipart `ObjectID` (parent RecId), `ObjectType` (`Incident#`) and one or more `file` parts (n8n spells
  // the fields `businessObjectId`/`objectType`). All stored → 200 with one entry per file; any refused → 300 ISM_3000.
  api.post('/rest/Attachment', upload.any(), (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const parentId = String(form.ObjectID ?? form.businessObjectId ?? '').trim();
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    if (!parentId) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', ['Key value cannot be empty']);
    if (files.length === 0) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', ['No file was uploaded.']);
    // A live tenant stored the bytes unlinked for a parent that does not exist, rather than refusing (measured).
    const parent = store.findIncident(parentId);
    const parentRecId = parent ? String(parent.RecId) : null;
    const results = files.map((file) => {
      const name = file.originalname;
      const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
      if (extension && tenant.blockedAttachmentExtensions.includes(extension)) {
        return { FileName: name, IsUploaded: false, Message: 'Upload Failed, Invalid attachment type.' };
      }
      const taken = parentRecId !== null && store.attachmentsOf(parentRecId).some((a) => String(a.ATTACHNAME).toLowerCase() === name.toLowerCase());
      if (taken) {
        return { FileName: name, IsUploaded: false, Message: `Upload Failed, A file with the name '${name}' is already attached to this object. Please change the name.` };
      }
      const record = createAttachment(store, parentRecId, { name, contentType: file.mimetype || 'application/octet-stream', bytes: file.buffer }, apiAuthor());
      return { FileName: name, IsUploaded: true, Message: String(record.RecId) };
    });
    if (results.every((r) => r.IsUploaded)) return void res.json(results);
    res.status(300).json({ code: 'ISM_3000', description: 'Validation Error', message: results, help: '' });
  });

  // 204 whether or not the attachment existed (measured).
  api.delete('/rest/Attachment', (req, res) => {
    if (typeof req.query.ID === 'string') store.attachments.delete(req.query.ID.toUpperCase());
    res.status(204).end();
  });

  api.use('/odata/businessobject', (req, res) => {
    const target = /^\/([A-Za-z_]+)(?:\('((?:[^']|'')*)'\))?(?:\/([A-Za-z_]+))?\/?$/.exec(decodeURIComponent(req.path));
    const set = target ? sets[target[1]!.toLowerCase()] : undefined;
    if (!target || !set) return void sendError(res, 404, 'ISM_4004', 'Invalid Path', ['No service for the resource is registered.']);
    const key = target[2]?.replace(/''/g, "'");
    const navigation = target[3];

    if (req.method === 'GET' && key === undefined) return void answerCollection(req, res, set, set.rows(), `${apiRoot(req)}/odata/$metadata#${set.name}`);
    if (req.method === 'GET' && navigation === undefined) return void answerRecord(req, res, set, key!);
    if (req.method === 'GET' && set.name === 'incidents') return void answerRelationship(req, res, key!, navigation!);
    if (req.method === 'POST' && key === undefined && set.name === 'incidents') return void createIncidentFromApi(req, res);
    if (req.method === 'POST' && key === undefined && set.name === 'journal__notess') return void createNoteFromApi(req, res);
    if ((req.method === 'PATCH' || req.method === 'PUT') && key !== undefined && navigation === undefined && set.name === 'incidents') {
      return void updateIncidentFromApi(req, res, key);
    }
    sendError(res, 404, 'ISM_4004', 'Invalid Path', ['Requested resource not found']);
  });

  api.use((_req, res) => sendError(res, 404, 'ISM_4004', 'Invalid Path', ['Invalid Path']));
  api.use((error: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (error.type !== 'entity.parse.failed') return next(error);
    sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', ['The request payload is not valid JSON.']);
  });

  function answerCollection(req: Request, res: Response, set: EntitySet, rows: IvantiRecord[], context: string): void {
    const query = req.query as Record<string, string | undefined>;
    try {
      const top = query.$top === undefined ? DEFAULT_TOP : Number(query.$top);
      if (!Number.isInteger(top) || top < 0) throw new ODataQueryError(`Invalid value '${query.$top}' for $top`);
      if (top > MAX_TOP) throw new ODataQueryError(`The limit of '${MAX_TOP}' for Top query has been exceeded. The value from the incoming request is '${top}'.`);
      const skip = query.$skip === undefined ? 0 : Number(query.$skip);
      if (!Number.isInteger(skip) || skip < 0) throw new ODataQueryError(`Invalid value '${query.$skip}' for $skip`);
      let matching = rows;
      if (query.$filter) matching = matching.filter(parseFilter(query.$filter, set.resolve));
      if (query.$search) matching = matching.filter(parseSearch(query.$search));
      if (query.$orderby) {
        const order = parseOrderBy(query.$orderby, set.resolve);
        // A misspelled $orderby field is answered with an empty 204, not an error (measured).
        if (!order) return void res.status(204).end();
        matching = [...matching].sort(order);
      }
      const page = matching.slice(skip, skip + top);
      if (page.length === 0) return answerEmpty(res);
      const select = query.$select?.split(',').map((s) => s.trim()).filter(Boolean);
      res.json({ '@odata.context': context, '@odata.count': matching.length, value: page.map((r) => render(r, tenant.tenantOffset, select)) });
    } catch (error) {
      if (!(error instanceof ODataQueryError)) throw error;
      sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', [error.message]);
    }
  }

  /** An empty collection: 200 with an empty body by default; some tenants answer 204 or `{"value": []}`. */
  function answerEmpty(res: Response): void {
    if (tenant.emptyCollection === 'no-content') return void res.status(204).end();
    if (tenant.emptyCollection === 'empty-array') return void res.json({ value: [] });
    res.status(200).type('application/json').send('');
  }

  function answerRecord(req: Request, res: Response, set: EntitySet, key: string): void {
    const record = set.rows().find((r) => String(r.RecId).toUpperCase() === key.toUpperCase());
    // Unknown keys answer 400, not 404.
    if (!record) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', [`Record '${key}' cannot be found in the business object '${set.objectName}'`]);
    const context = `${apiRoot(req)}/odata/$metadata#${set.name}/$entity`;
    // $select on a single record returns no fields at all (measured).
    if (req.query.$select !== undefined) return void res.json({ '@odata.context': context });
    res.json({ '@odata.context': context, ...render(record, tenant.tenantOffset) });
  }

  function answerRelationship(req: Request, res: Response, key: string, navigation: string): void {
    const incident = store.findIncident(key);
    if (!incident) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', [`Record '${key}' cannot be found in the business object 'Incident'`]);
    const relationship = navigation.toLowerCase();
    const rows = relationship === 'incidentcontainsattachment' ? store.attachmentsOf(String(incident.RecId))
      : relationship === 'incidentcontainsjournal' ? store.notesOf(String(incident.RecId))
        : undefined;
    if (!rows) return void sendError(res, 404, 'ISM_4004', 'Invalid Path', ['Requested resource not found']);
    // An empty relationship is a string where the rows would be.
    if (rows.length === 0) return void res.json({ value: 'No instances found.' });
    const setName = relationship === 'incidentcontainsattachment' ? 'attachments' : 'journals';
    res.json({ '@odata.context': `${apiRoot(req)}/odata/$metadata#${setName}`, value: rows.map((r) => render(r, tenant.tenantOffset)) });
  }

  function createIncidentFromApi(req: Request, res: Response): void {
    const parsed = acceptedFields(req.body, sets.incidents!);
    if ('errors' in parsed) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', parsed.errors);
    const fields = picklistValues(parsed.fields);
    // A value missing from a validated list fails the save with an empty message (measured).
    if (!fields) return void sendError(res, 500, 'ISM_5000', 'Internal Server Error', []);
    // Required fields arrive one batch at a time, named by display name (Symptom is "Description").
    const missing = [['Subject', 'Subject'], ['Symptom', 'Description']].filter(([f]) => !fields[f!]).map(([, label]) => label!);
    if (missing.length === 0 && String(fields.Status ?? '').toLowerCase() === 'active') {
      missing.push(...['Category', 'Owner'].filter((f) => !fields[f]));
    }
    if (missing.length > 0) {
      return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', missing.map((label) => `Required field Incident.${label} value must be provided.`));
    }
    const author = apiAuthor();
    // CreatedBy can be overridden; LastModBy is always the API user.
    const record = createIncident(store, fields, { ...author, user: typeof fields.CreatedBy === 'string' ? fields.CreatedBy : author.user });
    record.LastModBy = author.user;
    res.status(201).json({ '@odata.context': `${apiRoot(req)}/odata/$metadata#incidents/$entity`, ...render(record, tenant.tenantOffset) });
  }

  /** PUT or PATCH with only the changed fields → 200 and the entity. A closed (ReadOnly) incident still accepts it (measured). */
  function updateIncidentFromApi(req: Request, res: Response, key: string): void {
    if (!key.trim()) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', ['Invalid Business Object Key']);
    const incident = store.findIncident(key);
    if (!incident) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', [`Record '${key}' cannot be found in the business object 'Incident'`]);
    const parsed = acceptedFields(req.body, sets.incidents!);
    if ('errors' in parsed) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', parsed.errors);
    const picked = picklistValues(parsed.fields);
    if (!picked) return void sendError(res, 500, 'ISM_5000', 'Internal Server Error', []);
    const author = apiAuthor();
    store.updates.push({ RecId: String(incident.RecId), method: req.method === 'PUT' ? 'PUT' : 'PATCH', fields: { ...picked }, by: author.user, at: author.at, wasReadOnly: incident.ReadOnly === true });
    updateIncident(incident, picked, author);
    res.json({ '@odata.context': `${apiRoot(req)}/odata/$metadata#incidents/$entity`, ...render(incident, tenant.tenantOffset) });
  }

  function createNoteFromApi(req: Request, res: Response): void {
    const parsed = acceptedFields(req.body, sets.journal__notess!);
    if ('errors' in parsed) return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', parsed.errors);
    const { fields } = parsed;
    const missing = [['ParentLink_RecID', 'Parent'], ['Subject', 'Subject']].filter(([f]) => !fields[f!]).map(([, label]) => label!);
    if (missing.length > 0) {
      return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', missing.map((label) => `Required field Journal.${label} value must be provided.`));
    }
    const incident = store.findIncident(String(fields.ParentLink_RecID));
    if (!incident) {
      return void sendError(res, 400, 'ISM_4000', 'Invalid Request Payload', [`Record '${fields.ParentLink_RecID}' cannot be found in the business object 'Incident'`]);
    }
    const note = createJournalNote(store, String(incident.RecId), fields, apiAuthor());
    res.status(201).json({ '@odata.context': `${apiRoot(req)}/odata/$metadata#journal__notess/$entity`, ...render(note, tenant.tenantOffset) });
  }

  return api;
}

/** Validated-list values in the list's own spelling; null when one is not in its list. */
function picklistValues(fields: IvantiRecord): IvantiRecord | null {
  for (const [field, values] of Object.entries(PICKLISTS)) {
    const value = fields[field];
    if (value === undefined || value === null) continue;
    const chosen = values.find((v) => v.toLowerCase() === String(value).toLowerCase());
    if (!chosen) return null;
    fields[field] = chosen;
  }
  return fields;
}

/** A create body's fields under the object's own spelling; unknown fields and non-scalar values are refused. */
function acceptedFields(body: unknown, set: EntitySet): { fields: IvantiRecord } | { errors: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length === 0) {
    return { errors: ['Request payload is empty or not a JSON object.'] };
  }
  const fields: IvantiRecord = {};
  const errors: string[] = [];
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const field = set.resolve(name);
    if (!field) errors.push(`Field '${name}' does not exist in the business object '${set.objectName}'.`);
    else if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) errors.push(`Invalid value for field '${field}'.`);
    else if (!SYSTEM_FIELDS.has(field.toLowerCase()) && !field.endsWith('_Valid')) fields[field] = value as FieldValue;
  }
  return errors.length > 0 ? { errors } : { fields };
}

export function sendError(res: Response, status: number, code: string, description: string, message: string[]): void {
  const body: IvantiErrorBody = { code, description, message, help: '' };
  res.status(status).json(body);
}
