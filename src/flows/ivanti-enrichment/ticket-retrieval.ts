import type { AttachmentData } from '../../domain/model.js';
import { isTextLikeAttachment } from '../../indicators/extract.js';
import { attachmentFromIvanti, ticketFromIncident, worklogFromJournalNote } from '../../sources/ivanti-itsm/map.js';
import type { IvantiIncident } from '../../sources/ivanti-itsm/wire.js';
import { mirrorTicket } from '../../store/ticket-mirror.js';
import type { Queryable } from '../../store/queryable.js';
import type { IvantiEnrichmentTarget } from './ivanti-enrichment-target.js';
import { isPlaybookNote } from './journal-note.js';

/** A piece of ticket text indicators are extracted from, and where it came from. */
export interface TicketText {
  origin: string;
  text: string;
}

export interface RetrievedTicket {
  ticketId: string;
  created: boolean;
  texts: TicketText[];
  attachmentsRead: number;
}

/**
 * Retrieve: the incident's journal notes and attachments, mirrored as a Ticket (idempotent), and every text the
 * playbook reads: subject, description (Symptom), notes, and text-like attachments up to the byte cap. The
 * playbook's own notes are not read back.
 */
export async function retrieveTicket(target: IvantiEnrichmentTarget, db: Queryable, incident: IvantiIncident): Promise<RetrievedTicket> {
  const { ivanti, settings } = target;
  const [notes, attachmentRows] = await Promise.all([ivanti.listJournalNotes(incident.RecId), ivanti.listAttachments(incident.RecId)]);
  const theirNotes = notes.filter((n) => !isPlaybookNote(n));
  const texts: TicketText[] = [];
  if (incident.Subject) texts.push({ origin: 'subject', text: incident.Subject });
  if (incident.Symptom) texts.push({ origin: 'description', text: incident.Symptom });
  for (const note of theirNotes) texts.push({ origin: `note ${note.RecId}`, text: [note.Subject, note.NotesBody].filter(Boolean).join('\n') });

  const attachments: AttachmentData[] = [];
  let attachmentsRead = 0;
  for (const row of attachmentRows) {
    const data = attachmentFromIvanti(row);
    // By name first; a name without an extension may still be text (the download's Content-Type tells).
    if (isTextLikeAttachment(row.ATTACHNAME) || !row.ATTACHNAME.includes('.')) {
      // Only the first maxAttachmentBytes are downloaded.
      const file = await ivanti.downloadAttachmentHead(row.RecId, settings.enrichment.maxAttachmentBytes);
      data.contentType = file.contentType;
      data.size = file.size;
      if (isTextLikeAttachment(row.ATTACHNAME, file.contentType ?? undefined)) {
        texts.push({ origin: `attachment ${row.ATTACHNAME}`, text: file.bytes.toString('utf8') });
        attachmentsRead += 1;
      }
    }
    attachments.push(data);
  }

  const mirrored = await mirrorTicket(db, target.ivantiSource.entity.id,
    ticketFromIncident(incident, { worklogs: notes.map(worklogFromJournalNote), attachments }, settings.incidentUrlTemplate));
  return { ticketId: mirrored.ticketId, created: mirrored.created, texts, attachmentsRead };
}
