import express, { type Express, type Response } from 'express';
import { z } from 'zod';
import { createAttachment, createIncident, createJournalNote, render, updateIncident, type Author } from './records.js';
import { INCIDENT_FIELDS, type IvantiRecord, type IvantiStore } from './store.js';
import { tenantSettings, type TenantSettings } from './tenant.js';

/** Who acts when a control request names nobody: a service-desk technician. */
const TECHNICIAN = 'jsmith';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const dateTime = z.iso.datetime({ offset: true });

const noteSeed = z.strictObject({
  Subject: z.string().min(1),
  NotesBody: z.string().optional(),
  Category: z.string().optional(),
  Source: z.string().optional(),
  PublishToWeb: z.boolean().optional(),
  CreatedBy: z.string().optional(),
  CreatedDateTime: dateTime.optional(),
});

const attachmentSeed = z.strictObject({
  name: z.string().min(1),
  contentType: z.string().default('application/octet-stream'),
  /** The content as text (UTF-8) … */
  text: z.string().optional(),
  /** … or as base64. */
  base64: z.string().optional(),
  CreatedBy: z.string().optional(),
}).refine((a) => (a.text === undefined) !== (a.base64 === undefined), 'give exactly one of text or base64');

/** An incident as the tenant's users would log it: any Ivanti field, plus its journal notes and attachments. */
const incidentSeed = z.object({
  CreatedDateTime: dateTime.optional(),
  CreatedBy: z.string().optional(),
  journalNotes: z.array(noteSeed).default([]),
  attachments: z.array(attachmentSeed).default([]),
}).catchall(scalar);

const incidentChanges = z.object({ LastModBy: z.string().optional(), LastModDateTime: dateTime.optional() }).catchall(scalar);

type NoteSeed = z.infer<typeof noteSeed>;
type AttachmentSeed = z.infer<typeof attachmentSeed>;

/**
 * Control routes of the Ivanti sandbox (see README.md): log incidents with notes and attachments as the tenant's
 * users would (several may share one CreatedDateTime), change them, and read back what the hub wrote.
 */
export function mountIvantiControl(app: Express, store: IvantiStore, tenant: TenantSettings): void {
  const control = express.Router();
  control.use(express.json({ limit: '50mb' }));
  const show = (record: IvantiRecord) => render(record, tenant.tenantOffset);

  control.post('/incidents', (req, res) => {
    const many = Array.isArray(req.body);
    const parsed = z.array(incidentSeed).safeParse(many ? req.body : [req.body]);
    if (!parsed.success) return void badRequest(res, parsed.error);
    const created = parsed.data.map(({ journalNotes, attachments, CreatedDateTime, CreatedBy, ...fields }) => {
      const at = CreatedDateTime ? new Date(CreatedDateTime) : new Date();
      for (const field of Object.keys(fields)) {
        if (!INCIDENT_FIELDS.some((f) => f.toLowerCase() === field.toLowerCase())) store.customIncidentFields.add(field);
      }
      const incident = createIncident(store, fields, { user: CreatedBy ?? TECHNICIAN, via: 'control', at });
      const recId = String(incident.RecId);
      return {
        incident: show(incident),
        journalNotes: journalNotes.map((n) => show(addNote(store, recId, n, at))),
        attachments: attachments.map((a) => show(addAttachment(store, recId, a, at))),
      };
    });
    res.status(201).json(many ? created : created[0]);
  });

  control.get('/incidents', (req, res) => {
    const via = req.query.via;
    const incidents = [...store.incidents.values()].filter((i) => via === undefined || store.createdVia.get(String(i.RecId)) === via);
    res.json(incidents.map(show));
  });

  control.get('/incidents/:recId', (req, res) => {
    const incident = store.findIncident(req.params.recId);
    if (!incident) return void notFound(res, req.params.recId);
    const recId = String(incident.RecId);
    res.json({ incident: show(incident), journalNotes: store.notesOf(recId).map(show), attachments: store.attachmentsOf(recId).map(show) });
  });

  control.patch('/incidents/:recId', (req, res) => {
    const incident = store.findIncident(req.params.recId);
    if (!incident) return void notFound(res, req.params.recId);
    const parsed = incidentChanges.safeParse(req.body ?? {});
    if (!parsed.success) return void badRequest(res, parsed.error);
    const { LastModBy, LastModDateTime, ...changes } = parsed.data;
    const author: Author = { user: LastModBy ?? TECHNICIAN, via: 'control', at: LastModDateTime ? new Date(LastModDateTime) : new Date() };
    res.json(show(updateIncident(incident, changes, author)));
  });

  control.post('/incidents/:recId/journal-notes', (req, res) => {
    const incident = store.findIncident(req.params.recId);
    if (!incident) return void notFound(res, req.params.recId);
    const parsed = noteSeed.safeParse(req.body ?? {});
    if (!parsed.success) return void badRequest(res, parsed.error);
    res.status(201).json(show(addNote(store, String(incident.RecId), parsed.data, new Date())));
  });

  control.post('/incidents/:recId/attachments', (req, res) => {
    const incident = store.findIncident(req.params.recId);
    if (!incident) return void notFound(res, req.params.recId);
    const parsed = attachmentSeed.safeParse(req.body ?? {});
    if (!parsed.success) return void badRequest(res, parsed.error);
    res.status(201).json(show(addAttachment(store, String(incident.RecId), parsed.data, new Date())));
  });

  control.get('/updates', (req, res) => {
    const { incident } = req.query;
    const updates = store.updates.filter((u) => incident === undefined || u.RecId === String(incident).toUpperCase());
    res.json(updates.map((u) => ({ ...u, fields: show(u.fields), at: u.at.toISOString() })));
  });

  control.get('/journal-notes', (req, res) => {
    const { incident, via } = req.query;
    const notes = [...store.notes.values()].filter((n) =>
      (incident === undefined || String(n.ParentLink_RecID).toUpperCase() === String(incident).toUpperCase())
      && (via === undefined || store.createdVia.get(String(n.RecId)) === via));
    res.json(notes.map(show));
  });

  // Every session id from rest/authentication/login times out: the next call with one answers 401 ISM_4001.
  control.delete('/sessions', (_req, res) => {
    store.sessions.clear();
    res.status(204).end();
  });

  control.get('/settings', (_req, res) => res.json(tenant));
  control.put('/settings', (req, res) => {
    const parsed = tenantSettings.partial().safeParse(req.body ?? {});
    if (!parsed.success) return void badRequest(res, parsed.error);
    Object.assign(tenant, parsed.data);
    res.json(tenant);
  });

  app.use('/__sandbox', control);
}

function addNote(store: IvantiStore, incidentRecId: string, seed: NoteSeed, defaultAt: Date) {
  const { CreatedBy, CreatedDateTime, ...fields } = seed;
  const author: Author = { user: CreatedBy ?? TECHNICIAN, via: 'control', at: CreatedDateTime ? new Date(CreatedDateTime) : defaultAt };
  return createJournalNote(store, incidentRecId, fields, author);
}

function addAttachment(store: IvantiStore, incidentRecId: string, seed: AttachmentSeed, at: Date) {
  const bytes = seed.text !== undefined ? Buffer.from(seed.text, 'utf8') : Buffer.from(seed.base64!, 'base64');
  return createAttachment(store, incidentRecId, { name: seed.name, contentType: seed.contentType, bytes }, { user: seed.CreatedBy ?? TECHNICIAN, via: 'control', at });
}

function badRequest(res: Response, error: z.ZodError): void {
  res.status(400).json({ error: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
}

function notFound(res: Response, recId: string): void {
  res.status(404).json({ error: `no incident ${recId}` });
}
