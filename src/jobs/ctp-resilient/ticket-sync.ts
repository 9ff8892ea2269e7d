import type { DataSource } from 'typeorm';
import { Vendor } from '../../domain/vendor.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import { toGlobalId } from '../../schema/global-id.js';
import { incidentFromResilient } from '../../sources/ibm-resilient/map.js';
import { incidentsForTicket } from '../../sources/ibm-resilient/incident-queries.js';
import type { NewIncident, ResilientIncident } from '../../sources/ibm-resilient/wire.js';
import { isClosedCtpStatus, ticketFromCtp, worklogKey } from '../../sources/secureworks-ctp/map.js';
import type { CtpTicket } from '../../sources/secureworks-ctp/wire.js';
import { mirrorIncident, type StoredIncident } from '../../store/incident-mirror.js';
import { IncidentWrites, type WriteState, type WrittenAttachment, type WrittenNote } from '../../store/incident-writes.js';
import { directSql, type Queryable } from '../../store/queryable.js';
import { mirrorTicket } from '../../store/ticket-mirror.js';
import type { CtpResilientPair } from './ctp-resilient-pair.js';
import { changesFrom, patchIncident } from './incident-patcher.js';
import { incidentAttachmentName, worklogKeyOfNote, worklogNoteHtml } from './worklog-note.js';

export interface TicketSyncOutcome {
  incidentCreated: boolean;
  incidentClosed: boolean;
  notesAdded: number;
  attachmentsAdded: number;
  /** Only mirrored: a ticket already closed when first seen (and `importClosedTickets` off). */
  mirroredOnly: boolean;
}

/**
 * One CTP ticket into the graph and into Resilient (vendor notes B4, without the seed app's bugs). Every step
 * is idempotent, so a ticket that fails or a hub that crashes midway is simply synced again on the next
 * delivery: the ticket is only acknowledged (by the caller) after this returns and its events are stored.
 */
export class CtpTicketSync {
  /** Labels of Resilient's close-code select, read once per run. */
  private closeCodes: Promise<Set<string>> | null = null;
  private readonly sql: Queryable;

  constructor(
    private readonly pair: CtpResilientPair,
    dataSource: DataSource,
  ) {
    this.sql = directSql(dataSource);
  }

  /**
   * Syncs one ticket. What it did is appended to `events` as it happens (also when it fails midway); the
   * caller publishes them, a page of tickets at a time.
   */
  async sync(wire: CtpTicket, events: SyncEventInput[]): Promise<TicketSyncOutcome> {
    const { pair } = this;
    const outcome: TicketSyncOutcome = { incidentCreated: false, incidentClosed: false, notesAdded: 0, attachmentsAdded: 0, mirroredOnly: false };
    const mirrored = await mirrorTicket(this.sql, pair.ctpSource.entity.id, ticketFromCtp(wire), pair.resilientSource.entity.id);
    const ticketGid = toGlobalId('Ticket', mirrored.ticketId);
    if (mirrored.changed) {
      events.push({
        kind: mirrored.created ? SyncEventKind.TICKET_IMPORTED : SyncEventKind.TICKET_UPDATED,
        vendor: Vendor.SECUREWORKS_CTP, subjectId: ticketGid,
        message: `${mirrored.created ? 'imported' : 'updated'} CTP ticket ${wire.ticketId} (${wire.status})`,
        details: { ticketId: wire.ticketId, version: wire.version, status: wire.status },
      });
    }
    const closedInCtp = isClosedCtpStatus(wire.status);

    let incident = mirrored.linkedIncident;
    let remote: ResilientIncident | undefined;
    if (!incident) {
      // Any status: a closed incident is still this ticket's incident (the seed app opened a second one).
      const found = await pair.resilient.queryIncidents(incidentsForTicket(wire.ticketId), { start: 0, length: 1 });
      remote = found.data[0];
      if (!remote) {
        if (closedInCtp && !pair.settings.importClosedTickets) return { ...outcome, mirroredOnly: true };
        remote = await pair.resilient.createIncident(this.escalation(wire));
        outcome.incidentCreated = true;
      }
      incident = await this.recordIncident(mirrored.ticketId, remote);
      if (outcome.incidentCreated) {
        events.push({
          kind: SyncEventKind.INCIDENT_CREATED, vendor: Vendor.IBM_RESILIENT, subjectId: toGlobalId('Incident', incident.id),
          message: `created Resilient incident ${remote.id} for CTP ticket ${wire.ticketId}`,
          details: { incidentId: remote.id, ticketId: wire.ticketId, ticket: ticketGid },
        });
      }
    }
    const incidentId = Number(incident.externalId);
    Object.assign(outcome, await this.syncWrites(wire, incident, outcome.incidentCreated, events));

    if (!outcome.incidentCreated) {
      const updated = await patchIncident(pair.resilient, incidentId, changesFrom(pair.templates.render('update', wire)), remote);
      remote = updated.incident;
      if (updated.patched) {
        await this.recordIncident(mirrored.ticketId, remote);
        events.push({
          kind: SyncEventKind.INCIDENT_UPDATED, vendor: Vendor.IBM_RESILIENT, subjectId: toGlobalId('Incident', incident.id),
          message: `updated Resilient incident ${incidentId} from CTP ticket ${wire.ticketId}`, details: { incidentId, ticketId: wire.ticketId },
        });
      }
    }

    if (closedInCtp) {
      remote ??= await pair.resilient.getIncident(incidentId);
      if (remote.plan_status !== 'C') {
        await this.closeIncident(wire, mirrored.ticketId, incident, remote, events);
        outcome.incidentClosed = true;
      }
    }
    return outcome;
  }

  private escalation(wire: CtpTicket): NewIncident {
    const rendered = this.pair.templates.render('escalate', wire);
    // Like the seed app: no description in the template means one built from detailedDescription.
    if (rendered.description === undefined) {
      const text = wire.detailedDescription ? escapeHtml(wire.detailedDescription).replace(/\r?\n|\\n/g, '<br>') : 'No detailedDescription';
      rendered.description = { format: 'html', content: `<div><p>${text}</p></div>` };
    }
    if (typeof rendered.name !== 'string' || typeof rendered.discovered_date !== 'number') {
      throw new Error('escalate template: needs a string "name" and a numeric "discovered_date"');
    }
    return rendered as unknown as NewIncident;
  }

  private recordIncident(ticketId: string, remote: ResilientIncident): Promise<StoredIncident> {
    return mirrorIncident(this.sql, this.pair.resilientSource.entity.id, incidentFromResilient(remote, this.pair.resilientSource.config.baseUrl), ticketId);
  }

  /**
   * Worklogs → notes (oldest first) and attachments → incident attachments named like the seed app's, each
   * exactly once. What was written is known from our own store; a write that may have happened before a crash
   * (recorded as pending) is checked against the incident, read once, instead of re-reading it every time.
   */
  private async syncWrites(wire: CtpTicket, incident: StoredIncident, newIncident: boolean, events: SyncEventInput[]): Promise<{ notesAdded: number; attachmentsAdded: number }> {
    if (wire.worklogs.length === 0 && wire.attachmentInfo.length === 0) return { notesAdded: 0, attachmentsAdded: 0 };
    const incidentId = Number(incident.externalId);
    const writes = new IncidentWrites(this.sql, incident.id);
    const notes = [...wire.worklogs].sort((a, b) => a.dateCreated - b.dateCreated)
      .map((worklog) => ({ worklog, originKey: `ctp-worklog:${worklogKey(worklog)}` }));
    const files = wire.attachmentInfo.map((info) => ({ info, originKey: `ctp-attachment:${info.id}`, name: incidentAttachmentName(info) }));
    // Nothing can have been written to an incident created just now.
    const known = newIncident ? new Map<string, WriteState>() : await writes.known([...notes.map((n) => n.originKey), ...files.map((f) => f.originKey)]);
    await writes.pending(
      notes.filter((n) => !known.has(n.originKey)).map((n) => ({ originKey: n.originKey, createdAt: new Date(n.worklog.dateCreated) })),
      files.filter((f) => !known.has(f.originKey)).map((f) => ({ originKey: f.originKey, name: f.name })));
    let remoteNotes: Promise<Map<string, number>> | null = null;
    let remoteFiles: Promise<Map<string, { id: number; size: number | null }>> | null = null;
    const notesDone: WrittenNote[] = [];
    const filesDone: WrittenAttachment[] = [];
    let notesAdded = 0;
    let attachmentsAdded = 0;
    const gid = toGlobalId('Incident', incident.id);
    try {
      for (const { worklog, originKey } of notes) {
        const state = known.get(originKey);
        if (state === 'done') continue;
        if (state === 'pending') {
          remoteNotes ??= this.remoteNoteKeys(incidentId);
          const existing = (await remoteNotes).get(worklogKey(worklog));
          if (existing !== undefined) {
            notesDone.push({ originKey, externalId: String(existing), body: '' });
            continue;
          }
        }
        const body = worklogNoteHtml(worklog, this.pair.templates.readableDate);
        const comment = await this.pair.resilient.addComment(incidentId, body);
        notesDone.push({ originKey, externalId: String(comment.id), body });
        notesAdded += 1;
        events.push({
          kind: SyncEventKind.NOTE_ADDED, vendor: Vendor.IBM_RESILIENT, subjectId: gid,
          message: `added note for CTP worklog ${worklogKey(worklog)} of ${wire.ticketId}`,
          details: { incidentId, noteId: comment.id, worklog: worklogKey(worklog) },
        });
      }
      for (const { info, originKey, name } of files) {
        const state = known.get(originKey);
        if (state === 'done') continue;
        if (state === 'pending') {
          remoteFiles ??= this.pair.resilient.listAttachments(incidentId)
            .then((list) => new Map(list.map((a) => [a.name, { id: a.id, size: a.size ?? null }])));
          const existing = (await remoteFiles).get(name);
          if (existing) {
            filesDone.push({ originKey, externalId: String(existing.id), size: existing.size, contentType: null });
            continue;
          }
        }
        const file = await this.pair.ctp.downloadAttachment(wire.ticketId, info.id);
        const uploaded = await this.pair.resilient.uploadAttachment(incidentId, { name, content: file.content });
        filesDone.push({ originKey, externalId: String(uploaded.id), size: uploaded.size ?? file.content.length, contentType: uploaded.content_type ?? null });
        attachmentsAdded += 1;
        events.push({
          kind: SyncEventKind.ATTACHMENT_ADDED, vendor: Vendor.IBM_RESILIENT, subjectId: gid,
          message: `copied attachment ${name} of CTP ticket ${wire.ticketId}`, details: { incidentId, attachmentId: uploaded.id, name },
        });
      }
    } finally {
      await writes.done(notesDone, filesDone);
    }
    return { notesAdded, attachmentsAdded };
  }

  private async remoteNoteKeys(incidentId: number): Promise<Map<string, number>> {
    const keys = new Map<string, number>();
    const walk = (comments: Awaited<ReturnType<CtpResilientPair['resilient']['listComments']>>) => {
      for (const comment of comments) {
        const text = typeof comment.text === 'string' ? comment.text : comment.text?.content ?? '';
        const key = worklogKeyOfNote(text);
        if (key) keys.set(key, comment.id);
        walk(comment.children);
      }
    };
    walk(await this.pair.resilient.listComments(incidentId));
    return keys;
  }

  /**
   * A ticket closed in CTP closes its incident from the close template. `scwx_ctp_status` is set to the
   * ticket's status, which tells the Resilient→CTP direction that this close came from CTP (no loop).
   */
  private async closeIncident(wire: CtpTicket, ticketId: string, incident: StoredIncident, remote: ResilientIncident, events: SyncEventInput[]): Promise<void> {
    const changes = changesFrom(this.pair.templates.render('close', wire));
    changes.set('scwx_ctp_status', wire.status);
    const closeCodes = await this.validCloseCodes();
    const code = changes.get('scwx_ctp_close_code');
    if (typeof code !== 'string' || !closeCodes.has(code)) {
      const fallback = this.pair.settings.defaultCloseCode;
      changes.set('scwx_ctp_close_code', fallback);
      events.push({
        kind: SyncEventKind.SYNC_WARNING, vendor: Vendor.IBM_RESILIENT, subjectId: toGlobalId('Incident', incident.id),
        message: `CTP ticket ${wire.ticketId} closed with reason '${code ?? ''}', not a Resilient close code; closed incident ${incident.externalId} with '${fallback}'`,
        details: { ticketId: wire.ticketId, reason: code ?? null, usedCloseCode: fallback },
      });
    }
    const closed = await patchIncident(this.pair.resilient, Number(incident.externalId), changes, remote);
    await this.recordIncident(ticketId, closed.incident);
    events.push({
      kind: SyncEventKind.INCIDENT_CLOSED, vendor: Vendor.IBM_RESILIENT, subjectId: toGlobalId('Incident', incident.id),
      message: `closed Resilient incident ${incident.externalId}: CTP ticket ${wire.ticketId} is ${wire.status}`,
      details: { incidentId: incident.externalId, ticketId: wire.ticketId, closeCode: changes.get('scwx_ctp_close_code') },
    });
  }

  private validCloseCodes(): Promise<Set<string>> {
    this.closeCodes ??= this.pair.resilient.getIncidentField('scwx_ctp_close_code')
      .then((field) => new Set(field.values.filter((v) => v.enabled !== false).map((v) => v.label)))
      .catch((error: unknown) => {
        this.closeCodes = null;
        throw error;
      });
    return this.closeCodes;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
