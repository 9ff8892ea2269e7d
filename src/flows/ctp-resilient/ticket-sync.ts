import type { DataSource } from 'typeorm';
import { IBM_RESILIENT } from '../../sources/ibm-resilient/vendor-id.js';
import { SECUREWORKS_CTP } from '../../sources/secureworks-ctp/vendor-id.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import { toGlobalId } from '../../domain/global-id.js';
import { incidentFromResilient } from '../../sources/ibm-resilient/map.js';
import { incidentsForTicket } from '../../sources/ibm-resilient/incident-queries.js';
import type { NewIncident, ResilientIncident } from '../../sources/ibm-resilient/wire.js';
import { isClosedCtpStatus, ticketFromCtp, worklogKey } from '../../sources/secureworks-ctp/map.js';
import type { DownloadedAttachment } from '../../sources/secureworks-ctp/client.js';
import type { CtpAttachmentInfo, CtpTicket, CtpWorklog } from '../../sources/secureworks-ctp/wire.js';
import { mirrorIncident, mirrorIncidentsPreparingWrites, type IncidentWithWrites, type PreparedIncident, type StoredIncident } from '../../store/incident-mirror.js';
import { IncidentWrites, recordWritesDone, type IncidentWritesDone, type PendingAttachment, type PendingNote, type WriteState, type WrittenAttachment, type WrittenNote } from '../../store/incident-writes.js';
import { directSql, type Queryable } from '../../store/queryable.js';
import { mirrorTicket, mirrorTickets, type MirroredTicket } from '../../store/ticket-mirror.js';
import type { CtpResilientPair } from './ctp-resilient-pair.js';
import { GroupCommit } from './group-commit.js';
import { IncidentCloser } from './incident-closer.js';
import { planReopen, reopened } from './incident-reopen.js';
import { PreparedStatements } from './prepared-statements.js';
import { changesFrom, patchIncident } from '../../sources/ibm-resilient/incident-patcher.js';
import { incidentAttachmentName, worklogKeyOfNote, worklogNoteHtml } from './worklog-note.js';

export interface TicketSyncOutcome {
  incidentCreated: boolean;
  incidentClosed: boolean;
  /** An open ticket reopened its closed incident (`reopenIncidents`). */
  incidentReopened: boolean;
  notesAdded: number;
  attachmentsAdded: number;
  /** Only mirrored: a ticket already closed when first seen (and `importClosedTickets` off). */
  mirroredOnly: boolean;
}

/**
 * What the syncs of one page of tickets leave for the caller to store in one go, before it acknowledges the
 * page: their events, and the writes that landed on incidents. Until marked done, a write is checked against the
 * incident before it would be made again, so a crash loses or doubles nothing: a write on a linked incident is
 * recorded as pending before it is sent, and the writes on an incident created just now start while the incident
 * is recorded with its link; should that record not land, the ticket finds the incident again by search, and
 * every write on an incident found that way is checked.
 */
export interface PageRecord {
  events: SyncEventInput[];
  writesDone: IncidentWritesDone[];
}

/**
 * One CTP ticket into the graph and into Resilient (vendor notes B4, without the seed app's bugs). Every step
 * is idempotent, so a ticket that fails or a hub that crashes midway is simply synced again on the next
 * delivery: the ticket is only acknowledged (by the caller) after this returns and its events are stored.
 */
export class CtpTicketSync {
  private readonly sql: Queryable;
  /** The close step (also `closeTicket`'s, through closeLinkedIncident). */
  private readonly closer: IncidentCloser;
  /** The hot statements (per page, per group of tickets), each prepared once per run; `close` releases them. */
  private readonly statements: PreparedStatements;
  /** Incidents stored with their writes prepared: the tickets synced concurrently share statements. */
  private readonly prepared: GroupCommit<IncidentWithWrites, PreparedIncident>;

  constructor(
    private readonly pair: CtpResilientPair,
    dataSource: DataSource,
  ) {
    this.sql = directSql(dataSource);
    this.closer = new IncidentCloser(pair, this.sql, (ticketId, remote) => this.recordIncident(ticketId, remote));
    this.statements = new PreparedStatements(dataSource);
    this.prepared = new GroupCommit((items) => mirrorIncidentsPreparingWrites(this.statements, pair.resilientSource.entity.id, items));
  }

  async close(): Promise<void> {
    await this.statements.close();
  }

  /**
   * Step 1 for a page of tickets, in one statement (`mirrorTickets`). Should the batch fail, each ticket is
   * mirrored on its own by `sync` instead, so a ticket the store refuses fails alone.
   */
  async mirrorPage(wires: CtpTicket[], onError: (error: unknown) => void): Promise<Array<MirroredTicket | undefined>> {
    try {
      return await mirrorTickets(this.statements, this.pair.ctpSource.entity.id, wires.map(ticketFromCtp), this.pair.resilientSource.entity.id);
    } catch (error) {
      onError(error);
      return wires.map(() => undefined);
    }
  }

  /** Records the writes that landed on the page's incidents (before the page's events and acknowledgement). */
  async recordWritesDone(page: PageRecord): Promise<void> {
    await recordWritesDone(this.statements, page.writesDone);
  }

  /**
   * Syncs one ticket (mirrored already by `mirrorPage`, or here). What it did is appended to `page` as it
   * happens (also when it fails midway): the caller stores it, a page of tickets at a time, before acknowledging.
   */
  async sync(wire: CtpTicket, page: PageRecord, premirrored?: MirroredTicket): Promise<TicketSyncOutcome> {
    const { pair } = this;
    const { events } = page;
    const outcome: TicketSyncOutcome = { incidentCreated: false, incidentClosed: false, incidentReopened: false, notesAdded: 0, attachmentsAdded: 0, mirroredOnly: false };
    const mirrored = premirrored ?? await mirrorTicket(this.sql, pair.ctpSource.entity.id, ticketFromCtp(wire), pair.resilientSource.entity.id);
    const ticketGid = toGlobalId('Ticket', mirrored.ticketId);
    if (mirrored.changed) {
      events.push({
        kind: mirrored.created ? SyncEventKind.TICKET_IMPORTED : SyncEventKind.TICKET_UPDATED,
        vendor: SECUREWORKS_CTP, subjectId: ticketGid,
        message: `${mirrored.created ? 'imported' : 'updated'} CTP ticket ${wire.ticketId} (${wire.status})`,
        details: { ticketId: wire.ticketId, version: wire.version, status: wire.status },
      });
    }
    const closedInCtp = isClosedCtpStatus(wire.status);

    const writes = this.plannedWrites(wire);
    const log: WriteLog = { notesDone: [], filesDone: [], events: [], notesAdded: 0, attachmentsAdded: 0 };
    let incident = mirrored.linkedIncident;
    let remote: ResilientIncident | undefined;
    if (incident) {
      // Linked: what was written to it is known from our store, and what is about to be is recorded as pending.
      const known = writes.notes.length + writes.files.length > 0 ? await new IncidentWrites(this.sql, incident.id).prepare(...pendingOf(writes)) : new Map();
      await this.writing(page, incident, log, this.syncWrites(wire, Number(incident.externalId), writes, known, false, log));
    } else {
      // Any status: a closed incident is still this ticket's incident (the seed app opened a second one).
      const found = await pair.resilient.queryIncidents(incidentsForTicket(wire.ticketId), { start: 0, length: 1 });
      remote = found.data[0];
      if (!remote) {
        if (closedInCtp && !pair.settings.importClosedTickets) return { ...outcome, mirroredOnly: true };
        remote = await pair.resilient.createIncident(this.escalation(wire));
        outcome.incidentCreated = true;
      }
      const data = incidentFromResilient(remote, pair.resilientSource.config.baseUrl);
      if (writes.notes.length + writes.files.length === 0) {
        incident = await this.recordIncident(mirrored.ticketId, remote);
        if (outcome.incidentCreated) events.push(this.createdEvent(wire, remote, incident, ticketGid));
      } else {
        // Stored with its link, and its writes recorded as pending (step 4), in one statement shared with the
        // tickets synced meanwhile.
        const [notes, attachments] = pendingOf(writes);
        const recorded = this.prepared.submit({ data, ticketId: mirrored.ticketId, notes, attachments });
        if (outcome.incidentCreated) {
          // Nothing is on an incident created just now, so its writes start while it is being recorded (its first
          // attachment download even before). Until that record lands the ticket has no link, and a ticket without
          // a link finds its incident again by search, which checks every write against the incident (below).
          recorded.catch(() => undefined); // awaited by `writing`
          const ahead = writes.files.length > 0 ? this.download(wire, writes.files[0]!.info) : undefined;
          const sent = this.syncWrites(wire, remote.id, writes, new Map(), false, log, ahead);
          const created = remote;
          incident = await this.writing(page, recorded.then((r) => r.incident), log, sent,
            (stored) => events.push(this.createdEvent(wire, created, stored, ticketGid)));
        } else {
          // Found by search but not linked: written to by a run that crashed before recording it (or by IBM's
          // app), so every write not recorded as done is looked up on it before being made.
          const prepared = await recorded;
          incident = prepared.incident;
          await this.writing(page, incident, log, this.syncWrites(wire, remote.id, writes, prepared.known, true, log));
        }
      }
    }
    outcome.notesAdded = log.notesAdded;
    outcome.attachmentsAdded = log.attachmentsAdded;
    const incidentId = Number(incident.externalId);

    if (!outcome.incidentCreated) {
      const changes = changesFrom(pair.templates.render('update', wire));
      let reopening = false;
      if (!closedInCtp) {
        remote ??= await pair.resilient.getIncident(incidentId);
        reopening = await planReopen(this.sql, { uuid: incident.id, linked: Boolean(mirrored.linkedIncident) }, remote, pair.settings.reopenIncidents, changes);
      }
      const updated = await patchIncident(pair.resilient, incidentId, changes, remote);
      remote = updated.incident;
      if (updated.patched) {
        await this.recordIncident(mirrored.ticketId, remote);
        if (reopening && remote.plan_status !== 'C') {
          events.push(await reopened(this.sql, incident.id, incidentId, wire));
          outcome.incidentReopened = true;
        }
        events.push({
          kind: SyncEventKind.INCIDENT_UPDATED, vendor: IBM_RESILIENT, subjectId: toGlobalId('Incident', incident.id),
          message: `updated Resilient incident ${incidentId} from CTP ticket ${wire.ticketId}`, details: { incidentId, ticketId: wire.ticketId },
        });
      }
    }

    if (closedInCtp) {
      remote ??= await pair.resilient.getIncident(incidentId);
      if (remote.plan_status !== 'C') {
        await this.closer.close(wire, mirrored.ticketId, incident, remote, events);
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

  /** The notes (oldest first) and attachments a ticket asks of its incident, by origin. */
  private plannedWrites(wire: CtpTicket): PlannedWrites {
    return {
      notes: [...wire.worklogs].sort((a, b) => a.dateCreated - b.dateCreated)
        .map((worklog) => ({ worklog, originKey: `ctp-worklog:${worklogKey(worklog)}` })),
      files: wire.attachmentInfo.map((info) => ({ info, originKey: `ctp-attachment:${info.id}`, name: incidentAttachmentName(info) })),
    };
  }

  /**
   * Waits for a ticket's writes and for the record of its incident (`incident`, or a promise of it), then adds
   * what landed to the page, with its events after those before it: also when the writes failed midway.
   */
  private async writing(page: PageRecord, incident: StoredIncident | Promise<StoredIncident>, log: WriteLog, sent: Promise<void>,
    onStored?: (incident: StoredIncident) => void): Promise<StoredIncident> {
    const record = Promise.resolve(incident);
    record.catch(() => undefined); // awaited below, once the writes are through
    let failure: { error: unknown } | undefined;
    await sent.catch((error: unknown) => {
      failure = { error };
    });
    const stored = await record;
    onStored?.(stored);
    if (log.notesDone.length > 0 || log.filesDone.length > 0) page.writesDone.push({ incidentId: stored.id, notes: log.notesDone, attachments: log.filesDone });
    const gid = toGlobalId('Incident', stored.id);
    for (const event of log.events) page.events.push(event(gid));
    if (failure) throw failure.error;
    return stored;
  }

  /**
   * Worklogs → notes (oldest first) and attachments → incident attachments named like the seed app's, each
   * exactly once, into `log`. What was written is known from our own store (`known`); a write that may have
   * happened before a crash (recorded as pending, or not recorded at all when `verifyUnknown`) is checked against
   * the incident, read once, instead of re-reading it every time. An attachment to copy is downloaded one ahead
   * (`ahead`: the first one, possibly under way already), so the download overlaps the notes or the previous upload.
   */
  private async syncWrites(wire: CtpTicket, incidentId: number, { notes, files }: PlannedWrites, known: Map<string, WriteState>,
    verifyUnknown: boolean, log: WriteLog, ahead?: Download): Promise<void> {
    const stateOf = (originKey: string): WriteState | undefined => known.get(originKey) ?? (verifyUnknown ? 'pending' : undefined);
    let remoteNotes: Promise<Map<string, number>> | null = null;
    let remoteFiles: Promise<Map<string, { id: number; size: number | null }>> | null = null;
    for (const { worklog, originKey } of notes) {
      const state = stateOf(originKey);
      if (state === 'done') continue;
      if (state === 'pending') {
        remoteNotes ??= this.remoteNoteKeys(incidentId);
        const existing = (await remoteNotes).get(worklogKey(worklog));
        if (existing !== undefined) {
          log.notesDone.push({ originKey, externalId: String(existing), body: '' });
          continue;
        }
      }
      const body = worklogNoteHtml(worklog, this.pair.templates.readableDate);
      const comment = await this.pair.resilient.addComment(incidentId, body);
      log.notesDone.push({ originKey, externalId: String(comment.id), body });
      log.notesAdded += 1;
      log.events.push((gid) => ({
        kind: SyncEventKind.NOTE_ADDED, vendor: IBM_RESILIENT, subjectId: gid,
        message: `added note for CTP worklog ${worklogKey(worklog)} of ${wire.ticketId}`,
        details: { incidentId, noteId: comment.id, worklog: worklogKey(worklog) },
      }));
    }
    for (const [index, { info, originKey, name }] of files.entries()) {
      const state = stateOf(originKey);
      if (state === 'done') continue;
      if (state === 'pending') {
        remoteFiles ??= this.pair.resilient.listAttachments(incidentId)
          .then((list) => new Map(list.map((a) => [a.name, { id: a.id, size: a.size ?? null }])));
        const existing = (await remoteFiles).get(name);
        if (existing) {
          log.filesDone.push({ originKey, externalId: String(existing.id), size: existing.size, contentType: null });
          continue;
        }
      }
      const file = await (ahead?.id === info.id ? ahead.file : this.download(wire, info).file);
      const next = files[index + 1];
      // Only a copy not begun before needs no look at the incident first.
      ahead = next && stateOf(next.originKey) === undefined ? this.download(wire, next.info) : undefined;
      const uploaded = await this.pair.resilient.uploadAttachment(incidentId, { name, content: file.content });
      log.filesDone.push({ originKey, externalId: String(uploaded.id), size: uploaded.size ?? file.content.length, contentType: uploaded.content_type ?? null });
      log.attachmentsAdded += 1;
      log.events.push((gid) => ({
        kind: SyncEventKind.ATTACHMENT_ADDED, vendor: IBM_RESILIENT, subjectId: gid,
        message: `copied attachment ${name} of CTP ticket ${wire.ticketId}`, details: { incidentId, attachmentId: uploaded.id, name },
      }));
    }
  }

  private createdEvent(wire: CtpTicket, remote: ResilientIncident, incident: StoredIncident, ticketGid: string): SyncEventInput {
    return {
      kind: SyncEventKind.INCIDENT_CREATED, vendor: IBM_RESILIENT, subjectId: toGlobalId('Incident', incident.id),
      message: `created Resilient incident ${remote.id} for CTP ticket ${wire.ticketId}`,
      details: { incidentId: remote.id, ticketId: wire.ticketId, ticket: ticketGid },
    };
  }

  /** Starts a CTP attachment download, awaited later (or never, when the ticket fails first). */
  private download(wire: CtpTicket, info: CtpAttachmentInfo): Download {
    const file = this.pair.ctp.downloadAttachment(wire.ticketId, info.id);
    file.catch(() => undefined); // its failure surfaces where it is awaited
    return { id: info.id, file };
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
   * The close step alone, for `closeTicket`: the linked incident closed now from the close template, as the sync
   * would (its close worklog follows with the next sync). False when it was closed already.
   */
  async closeLinkedIncident(wire: CtpTicket, ticketId: string, incident: StoredIncident, events: SyncEventInput[]): Promise<boolean> {
    const remote = await this.pair.resilient.getIncident(Number(incident.externalId));
    if (remote.plan_status === 'C') return false;
    await this.closer.close(wire, ticketId, incident, remote, events);
    return true;
  }
}

/** What one ticket's writes did, added to the page once its incident is recorded (events wait for its id). */
interface WriteLog {
  notesDone: WrittenNote[];
  filesDone: WrittenAttachment[];
  events: Array<(incidentGid: string) => SyncEventInput>;
  notesAdded: number;
  attachmentsAdded: number;
}

interface Download {
  id: string;
  file: Promise<DownloadedAttachment>;
}

interface PlannedWrites {
  notes: Array<{ worklog: CtpWorklog; originKey: string }>;
  files: Array<{ info: CtpAttachmentInfo; originKey: string; name: string }>;
}

/** Every planned write as pending (`IncidentWrites.prepare` records only those not known yet). */
function pendingOf({ notes, files }: PlannedWrites): [PendingNote[], PendingAttachment[]] {
  return [
    notes.map((n) => ({ originKey: n.originKey, createdAt: new Date(n.worklog.dateCreated) })),
    files.map((f) => ({ originKey: f.originKey, name: f.name })),
  ];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
