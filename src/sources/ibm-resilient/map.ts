import type { AttachmentData, IncidentData, IncidentNoteData } from '../../domain/model.js';
import type { ResilientAttachment, ResilientComment, ResilientIncident, TextContent } from './wire.js';

/** Rich text as a string: the HTML string SOAR returns by default, or the content of a `{format, content}`. */
export function textOf(value: TextContent): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.content;
}

/** Link to the incident in the SOAR UI (`https://host/#incidents/2095`). */
export function incidentUrl(baseUrl: string, incidentId: number): string {
  return `${baseUrl.replace(/\/+$/, '')}/#incidents/${incidentId}`;
}

/** An incident read with `handle_format=names`: selects are labels (IDs, when SOAR has no label, become strings). */
export function incidentFromResilient(incident: ResilientIncident, baseUrl: string): IncidentData {
  return {
    externalId: String(incident.id),
    url: incidentUrl(baseUrl, incident.id),
    title: incident.name,
    description: textOf(incident.description),
    status: incident.plan_status === 'C' ? 'CLOSED' : 'OPEN',
    severity: label(incident.severity_code),
    phase: label(incident.phase_id),
    resolution: label(incident.resolution_id),
    resolutionSummary: textOf(incident.resolution_summary),
    customFields: incident.properties,
    version: String(incident.vers),
    createdAt: new Date(incident.create_date),
    updatedAt: new Date(incident.inc_last_modified_date ?? incident.create_date),
    closedAt: incident.plan_status === 'C' && incident.end_date ? new Date(incident.end_date) : null,
  };
}

/** Notes, replies included (flattened, parents first), with their text as SOAR returned it. */
export function notesFromComments(comments: ResilientComment[]): IncidentNoteData[] {
  return comments.flatMap((comment) => [
    { externalId: String(comment.id), body: textOf(comment.text) ?? '', createdAt: new Date(comment.create_date) },
    ...notesFromComments(comment.children),
  ]);
}

export function attachmentFromResilient(attachment: ResilientAttachment): AttachmentData {
  return { externalId: String(attachment.id), name: attachment.name, contentType: attachment.content_type ?? null, size: attachment.size };
}

function label(value: string | number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
