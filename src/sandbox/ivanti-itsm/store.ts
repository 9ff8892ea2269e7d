import { createHash, randomBytes } from 'node:crypto';

/** A field value as the sandbox keeps it: dates as Date (rendered with the tenant offset on the way out). */
export type FieldValue = string | number | boolean | null | Date;
export type IvantiRecord = Record<string, FieldValue>;

/** Who wrote a record: the hub through the vendor API, or a test/demo through the control API ("the tenant's users"). */
export type CreatedVia = 'api' | 'control';

export interface StoredAttachment {
  record: IvantiRecord;
  bytes: Buffer;
  contentType: string;
}

/** Stock incident fields (a tenant adds its own: the control API may set any field). */
export const INCIDENT_FIELDS = [
  'RecId', 'IncidentNumber', 'Subject', 'Symptom', 'Status', 'Status_Valid', 'Priority', 'Urgency', 'Urgency_Valid', 'Impact',
  'Impact_Valid', 'Category', 'Category_Valid', 'Service', 'Source', 'Source_Valid', 'TypeOfIncident', 'Owner', 'OwnerTeam',
  'OwnerEmail', 'OwnerType', 'ProfileLink_RecID', 'ProfileLink_Category', 'ProfileFullName', 'Email', 'CreatedDateTime',
  'CreatedBy', 'LastModDateTime', 'LastModBy', 'ClosedDateTime', 'ClosedBy', 'Resolution', 'CauseCode', 'SocialTextHeader',
  'ReadOnly', 'IsInFinalState',
] as const;

export const JOURNAL_NOTE_FIELDS = [
  'RecId', 'JournalType', 'Subject', 'NotesBody', 'DisplayText', 'Category', 'Category_Valid', 'Source', 'ParentLink_RecID',
  'ParentLink_Category', 'CreatedBy', 'CreatedDateTime', 'LastModBy', 'LastModDateTime', 'PublishToWeb', 'ReadOnly', 'IsUnRead',
] as const;

export const ATTACHMENT_FIELDS = [
  'RecId', 'ATTACHNAME', 'ParentLink_RecID', 'ParentLink_Category', 'CreatedDateTime', 'CreatedBy', 'LastModDateTime', 'LastModBy',
] as const;

/** Validated (picklist) values of the stock tenant. */
export const PICKLISTS: Record<string, readonly string[]> = {
  Status: ['Logged', 'Active', 'Waiting for Customer', 'Waiting for 3rd Party', 'Resolved', 'Closed'],
  Urgency: ['Low', 'Medium', 'High'],
  Impact: ['Low', 'Medium', 'High'],
  Source: ['Phone', 'E-mail', 'Self Service', 'Monitoring System', 'Walk-in', 'Chat'],
  Category: ['Security Incident', 'Phishing', 'Malware', 'Account Lockout', 'Application Security', 'Network', 'Service Desk'],
  // Set when an incident is resolved or closed; tenants keep their own list (these are the hub's default close codes).
  CauseCode: ['Resolved', 'Workaround', 'False Positive', 'True Positive', 'Duplicate', 'Cancelled'],
};

/** A change made through the vendor API (`PATCH`/`PUT …/incidents('{RecId}')`), as the control API reports it. */
export interface IncidentUpdate {
  RecId: string;
  method: 'PATCH' | 'PUT';
  /** The fields the request set, under the object's own spelling. */
  fields: IvantiRecord;
  by: string;
  at: Date;
  /** The incident was closed (ReadOnly) before this change: Ivanti accepts it anyway. */
  wasReadOnly: boolean;
}

/** 32-hex uppercase, like every Ivanti RecId. */
export function newRecId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** The RecId of a picklist value (`Status_Valid` etc.): stable per value. */
export function validRecId(field: string, value: string): string {
  return createHash('md5').update(`${field}:${value.toLowerCase()}`).digest('hex').toUpperCase();
}

/** Priority from Urgency × Impact (the stock matrix: High/High = 1 … Low/Low = 5). */
export function priorityOf(urgency: FieldValue, impact: FieldValue): string {
  const weight = (v: FieldValue) => ({ high: 2, medium: 1, low: 0 })[String(v).toLowerCase()] ?? 1;
  return String(5 - weight(urgency) - weight(impact));
}

/** Ivanti keeps seconds only. */
export function toSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** The simulated tenant's data: incidents, their journal notes and attachments, in creation order. */
export class IvantiStore {
  readonly incidents = new Map<string, IvantiRecord>();
  readonly notes = new Map<string, IvantiRecord>();
  readonly attachments = new Map<string, StoredAttachment>();
  readonly createdVia = new Map<string, CreatedVia>();
  /** Every incident change the API accepted, oldest first. */
  readonly updates: IncidentUpdate[] = [];
  /** Tenant-specific incident fields seen so far (filterable like stock ones). */
  readonly customIncidentFields = new Set<string>();
  /** Session ids handed out by `POST rest/authentication/login` (cleared to simulate a timeout). */
  readonly sessions = new Set<string>();
  private nextIncidentNumber = 10001;

  takeIncidentNumber(): number {
    return this.nextIncidentNumber++;
  }

  findIncident(recId: string): IvantiRecord | undefined {
    return this.incidents.get(recId.toUpperCase());
  }

  notesOf(incidentRecId: string): IvantiRecord[] {
    return [...this.notes.values()].filter((n) => String(n.ParentLink_RecID).toUpperCase() === incidentRecId.toUpperCase());
  }

  attachmentsOf(incidentRecId: string): IvantiRecord[] {
    return [...this.attachments.values()].map((a) => a.record).filter((r) => String(r.ParentLink_RecID).toUpperCase() === incidentRecId.toUpperCase());
  }

  clear(): void {
    this.incidents.clear();
    this.notes.clear();
    this.attachments.clear();
    this.createdVia.clear();
    this.updates.length = 0;
    this.customIncidentFields.clear();
    this.sessions.clear();
    this.nextIncidentNumber = 10001;
  }
}
