import type { AttachmentData, Priority, TicketData, TicketStatus, WorklogData } from '../../domain/model.js';
import type { IvantiAttachment, IvantiIncident, IvantiIncidentCreate, IvantiJournalNote, IvantiJournalNoteCreate } from './wire.js';

const CLOSED_STATUSES = new Set(['resolved', 'closed', 'cancelled']);

/** Ivanti's validated Status list (tenants extend it): Logged, Active, Waiting for …, Resolved, Closed. */
function ticketStatus(status: string): TicketStatus {
  const s = status.trim().toLowerCase();
  if (CLOSED_STATUSES.has(s)) return 'CLOSED';
  if (s.startsWith('waiting')) return 'PENDING';
  if (s === 'active') return 'IN_PROGRESS';
  return 'OPEN';
}

/** Ivanti Priority is a string, "1" most urgent to "5". */
const PRIORITIES: Record<string, Priority> = { 1: 'CRITICAL', 2: 'HIGH', 3: 'MEDIUM', 4: 'LOW', 5: 'LOW' };

/** Where an analyst opens the incident, when the tenant's link pattern is configured (`{RecId}`, `{IncidentNumber}`). */
export function incidentUrl(incident: IvantiIncident, template: string | null): string | null {
  if (!template) return null;
  return template.replace(/\{RecId\}/g, encodeURIComponent(incident.RecId)).replace(/\{IncidentNumber\}/g, String(incident.IncidentNumber));
}

export function ticketFromIncident(
  incident: IvantiIncident,
  related: { worklogs: WorklogData[]; attachments: AttachmentData[] },
  urlTemplate: string | null,
): TicketData {
  const closed = ticketStatus(incident.Status) === 'CLOSED';
  return {
    externalId: incident.RecId,
    url: incidentUrl(incident, urlTemplate),
    title: incident.Subject || `Incident ${incident.IncidentNumber}`,
    description: incident.Symptom ?? null,
    status: ticketStatus(incident.Status),
    vendorStatus: incident.Status,
    priority: PRIORITIES[incident.Priority?.trim() ?? ''] ?? 'UNKNOWN',
    ticketType: incident.TypeOfIncident ?? null,
    groupingType: incident.Category ?? null,
    closeCode: incident.CauseCode || null,
    closeCodes: null,
    // LastModDateTime changes on every edit: the change marker.
    version: incident.LastModDateTime.toISOString(),
    createdAt: incident.CreatedDateTime,
    updatedAt: incident.LastModDateTime,
    closedAt: closed ? incident.ClosedDateTime ?? incident.LastModDateTime : null,
    fields: { ...incident },
    worklogs: related.worklogs,
    attachments: related.attachments,
  };
}

export function worklogFromJournalNote(note: IvantiJournalNote): WorklogData {
  const subject = note.Subject?.trim();
  const body = note.NotesBody?.trim();
  return {
    externalKey: note.RecId,
    author: note.CreatedBy ?? null,
    type: note.Category ?? note.JournalType ?? null,
    // The subject is the note's headline; keep it unless the body already starts with it.
    body: subject && body && !body.startsWith(subject) ? `${subject}\n\n${body}` : body || subject || '',
    createdAt: note.CreatedDateTime,
  };
}

export function attachmentFromIvanti(attachment: IvantiAttachment): AttachmentData {
  // The metadata carries neither type nor size; the download does.
  return { externalId: attachment.RecId, name: attachment.ATTACHNAME, contentType: null, size: null };
}

/** How the hub files what it publishes as a new Ivanti incident (tenant-specific picklist values come from settings). */
export interface NewIncidentDefaults {
  status: string;
  category: string | null;
  service: string | null;
  source: string | null;
  ownerTeam: string | null;
  customerRecId: string | null;
}

/** Ivanti derives Priority from Urgency × Impact; these pairs land on the matching priority in the stock matrix. */
const URGENCY_IMPACT: Record<Priority, [string, string] | null> = {
  CRITICAL: ['High', 'High'], HIGH: ['High', 'Medium'], MEDIUM: ['Medium', 'Medium'], LOW: ['Low', 'Low'], UNKNOWN: null,
};

export function incidentCreate(draft: { title: string; description: string; priority: Priority }, defaults: NewIncidentDefaults): IvantiIncidentCreate {
  const fields: IvantiIncidentCreate = { Subject: draft.title, Symptom: draft.description, Status: defaults.status };
  const urgencyImpact = URGENCY_IMPACT[draft.priority];
  if (urgencyImpact) [fields.Urgency, fields.Impact] = urgencyImpact;
  if (defaults.category) fields.Category = defaults.category;
  if (defaults.service) fields.Service = defaults.service;
  if (defaults.source) fields.Source = defaults.source;
  if (defaults.ownerTeam) fields.OwnerTeam = defaults.ownerTeam;
  if (defaults.customerRecId) {
    fields.ProfileLink_RecID = defaults.customerRecId;
    fields.ProfileLink_Category = 'Employee';
  }
  return fields;
}

export interface JournalNoteDefaults {
  category: string;
  source: string | null;
  publishToWeb: boolean;
}

export function journalNoteCreate(incidentRecId: string, note: { subject: string; body: string }, defaults: JournalNoteDefaults): IvantiJournalNoteCreate {
  return {
    ParentLink_RecID: incidentRecId,
    ParentLink_Category: 'Incident',
    Subject: note.subject,
    NotesBody: note.body,
    Category: defaults.category,
    ...(defaults.source ? { Source: defaults.source } : {}),
    PublishToWeb: defaults.publishToWeb,
  };
}
