import { newRecId, priorityOf, toSecond, validRecId, type CreatedVia, type FieldValue, type IvantiRecord, type IvantiStore } from './store.js';

/** Who writes a record, when, and through which door. */
export interface Author {
  user: string;
  via: CreatedVia;
  at: Date;
}

const VALIDATED = ['Status', 'Urgency', 'Impact', 'Category', 'Source'] as const;

/** An incident with the tenant's defaults filled in, as Ivanti stores it on create. */
export function createIncident(store: IvantiStore, fields: IvantiRecord, author: Author): IvantiRecord {
  const at = toSecond(author.at);
  const incidentNumber = store.takeIncidentNumber();
  const record: IvantiRecord = {
    RecId: newRecId(), IncidentNumber: incidentNumber, Subject: null, Symptom: null, Status: 'Logged', Urgency: 'Medium', Impact: 'Medium',
    Category: null, Service: null, Source: null, TypeOfIncident: 'Incident', Owner: null, OwnerTeam: null, OwnerEmail: null, OwnerType: null,
    ProfileLink_RecID: null, ProfileLink_Category: null, ProfileFullName: null, Email: null,
    CreatedDateTime: at, CreatedBy: author.user, LastModDateTime: at, LastModBy: author.user, ClosedDateTime: null, ClosedBy: null,
    Resolution: null, CauseCode: null, ReadOnly: false, IsInFinalState: false,
    ...fields,
  };
  if (record.ProfileLink_RecID && !record.ProfileLink_Category) record.ProfileLink_Category = 'Employee';
  deriveComputedFields(record, author);
  record.SocialTextHeader = `Incident ${incidentNumber}: ${record.Subject ?? ''}`;
  store.incidents.set(String(record.RecId), record);
  store.createdVia.set(String(record.RecId), author.via);
  return record;
}

/** Applies a technician's (or the API's) changes; closing stamps ClosedDateTime/ClosedBy and makes it read-only. */
export function updateIncident(incident: IvantiRecord, changes: IvantiRecord, author: Author): IvantiRecord {
  Object.assign(incident, changes);
  incident.LastModDateTime = toSecond(author.at);
  incident.LastModBy = author.user;
  deriveComputedFields(incident, author);
  return incident;
}

function deriveComputedFields(incident: IvantiRecord, author: Author): void {
  incident.Priority = priorityOf(incident.Urgency ?? null, incident.Impact ?? null);
  for (const field of VALIDATED) {
    const value = incident[field];
    incident[`${field}_Valid`] = typeof value === 'string' && value ? validRecId(field, value) : null;
  }
  const closed = String(incident.Status).toLowerCase() === 'closed';
  if (closed && !incident.ClosedDateTime) {
    incident.ClosedDateTime = toSecond(author.at);
    incident.ClosedBy = author.user;
  }
  incident.ReadOnly = closed;
}

export function createJournalNote(store: IvantiStore, incidentRecId: string, fields: IvantiRecord, author: Author): IvantiRecord {
  const at = toSecond(author.at);
  const category = String(fields.Category ?? 'Memo');
  const record: IvantiRecord = {
    RecId: newRecId(), JournalType: 'Notes', Subject: null, NotesBody: null, Source: null, PublishToWeb: false,
    CreatedBy: author.user, CreatedDateTime: at, LastModBy: author.user, LastModDateTime: at, ReadOnly: false, IsUnRead: true,
    ...fields,
    Category: category,
    Category_Valid: validRecId('Journal.Category', category),
    ParentLink_RecID: incidentRecId,
    ParentLink_Category: fields.ParentLink_Category ?? 'Incident',
  };
  record.DisplayText = [record.Subject, record.NotesBody].filter(Boolean).join(' ');
  store.notes.set(String(record.RecId), record);
  store.createdVia.set(String(record.RecId), author.via);
  return record;
}

/** `incidentRecId` null: an upload naming a parent that does not exist (stored unlinked, as measured on a tenant). */
export function createAttachment(
  store: IvantiStore, incidentRecId: string | null, file: { name: string; contentType: string; bytes: Buffer }, author: Author,
): IvantiRecord {
  const at = toSecond(author.at);
  const record: IvantiRecord = {
    RecId: newRecId(), ATTACHNAME: file.name, ParentLink_RecID: incidentRecId, ParentLink_Category: incidentRecId === null ? null : 'Incident#',
    CreatedDateTime: at, CreatedBy: author.user, LastModDateTime: at, LastModBy: author.user,
  };
  store.attachments.set(String(record.RecId), { record, bytes: file.bytes, contentType: file.contentType });
  store.createdVia.set(String(record.RecId), author.via);
  return record;
}

/** A record on the wire: dates as ISO 8601 with the tenant's offset (`2020-08-12T16:33:37-07:00`), or `Z`. */
export function render(record: IvantiRecord, tenantOffset: string, select?: string[]): Record<string, Exclude<FieldValue, Date>> {
  const out: Record<string, Exclude<FieldValue, Date>> = {};
  for (const [field, value] of Object.entries(record)) {
    if (select && !select.some((s) => s.toLowerCase() === field.toLowerCase())) continue;
    out[field] = value instanceof Date ? formatDate(value, tenantOffset) : value;
  }
  return out;
}

export function formatDate(date: Date, offset: string): string {
  const minutes = offsetMinutes(offset);
  const local = new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 19);
  return minutes === 0 && offset.toUpperCase() === 'Z' ? `${local}Z` : `${local}${offset}`;
}

export function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!match) throw new RangeError(`'${offset}' is not a UTC offset like -07:00 or Z`);
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}
