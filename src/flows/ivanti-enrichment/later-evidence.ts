import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { IndicatorRef } from '../../domain/enrichment.js';
import { CYWARE_CTIX } from '../../sources/cyware-ctix/vendor-id.js';
import { IVANTI_ITSM } from '../../sources/ivanti-itsm/vendor-id.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { IvantiEnrichmentEventKind } from './event-kinds.js';
import type { ExtractedIndicator } from '../../indicators/extract.js';
import { toGlobalId } from '../../domain/global-id.js';
import { journalNoteCreate } from '../../sources/ivanti-itsm/map.js';
import type { StixBundle } from '../../stix/bundle.js';
import { IvantiEnrichmentAddendumEntity } from './entities/ivanti-enrichment-addendum.entity.js';
import { directSql } from '../../store/queryable.js';
import type { ProgressRow } from './enrichment-progress.js';
import { reportedIndicators, verdictCounts, type EnrichmentReport } from './enrichment-report.js';
import { recordTicketSightings } from './indicator-sightings.js';
import type { IvantiEnrichmentServices } from './ivanti-enrichment-services.js';
import type { IvantiEnrichmentTarget } from './ivanti-enrichment-target.js';
import { isPlaybookNote, journalNoteBody, journalNoteSubject } from './journal-note.js';
import { enrichmentBundle, extractAll } from './ticket-playbook.js';
import { retrieveTicket } from './ticket-retrieval.js';

/** The incidents (RecIds) that got a note or an attachment from someone else since `since`, and the newest such time. */
export async function incidentsWithNewEvidence(target: IvantiEnrichmentTarget, since: Date): Promise<{ recIds: Set<string>; newest: Date | null }> {
  const recIds = new Set<string>();
  let newest: Date | null = null;
  const saw = (parent: string | null | undefined, at: Date | null) => {
    if (parent) recIds.add(parent.toUpperCase());
    if (at && (!newest || at > newest)) newest = at;
  };
  for await (const note of target.ivanti.journalNotesCreatedSince(since)) {
    if (!isPlaybookNote(note)) saw(note.ParentLink_RecID, note.CreatedDateTime);
  }
  for await (const attachment of target.ivanti.attachmentsCreatedSince(since)) saw(attachment.ParentLink_RecID, attachment.CreatedDateTime);
  return { recIds, newest };
}

/**
 * Later evidence for an incident already through the playbook (noted, or found with nothing to publish): its notes
 * and attachments are read again (the Ticket
 * mirror follows), and indicators not reported before — neither in its enrichment note nor in an earlier addendum —
 * are enriched, published to CTIX as a bundle of their own and written back in one more journal note. The addendum
 * is stored (bundle first) under the incident and the set of new indicators before anything is sent, so a retry
 * resumes it: the same bundle, one note (found by its subject when an attempt may have landed).
 */
export class LaterEvidence {
  constructor(
    private readonly target: IvantiEnrichmentTarget,
    private readonly hub: IvantiEnrichmentServices,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
  ) {}

  /** Whether an addendum note was written for the incident. */
  async run(row: ProgressRow, events: SyncEventInput[]): Promise<boolean> {
    const addenda = this.hub.dataSource.getRepository(IvantiEnrichmentAddendumEntity);
    const earlier = await addenda.find({ where: { progressId: row.id }, order: { createdAt: 'ASC' } });
    // One left unfinished by an interrupted run goes first (its indicators count as reported).
    let noted = false;
    for (const addendum of earlier.filter((a) => a.step !== 'DONE')) noted = (await this.finish(row, addendum, events)) || noted;

    const incident = await this.target.ivanti.getIncident(row.incidentRecId);
    if (!incident) return noted;
    const db = directSql(this.hub.dataSource);
    const retrieved = await retrieveTicket(this.target, db, incident);
    const { enrichment } = this.target.settings;
    const found = extractAll(retrieved.texts.map((t) => t.text), enrichment);
    // An incident found with nothing to publish has no report yet: everything it holds now is new.
    const reported = [row.report, ...earlier.map((a) => a.report)].filter((r) => r !== null) as unknown as EnrichmentReport[];
    const known = new Set(reported.flatMap((r) => r.indicators.map((i) => `${i.type} ${i.value}`)));
    const knownCves = new Set(reported.flatMap((r) => r.cves));
    const indicators = found.filter((i): i is ExtractedIndicator & IndicatorRef => i.type !== 'CVE' && !known.has(`${i.type} ${i.value}`));
    const cves = found.filter((i) => i.type === 'CVE' && !knownCves.has(i.value)).map((i) => i.value);
    if (indicators.length === 0 && cves.length === 0) return noted;

    const subjectId = toGlobalId('Ticket', retrieved.ticketId);
    await recordTicketSightings(db, retrieved.ticketId, this.target.ivantiSource.entity.id, indicators);
    events.push({
      kind: IvantiEnrichmentEventKind.INDICATORS_EXTRACTED, vendor: IVANTI_ITSM, subjectId,
      message: `${indicators.length} more indicators found in later notes or attachments of Ivanti incident ${incident.IncidentNumber}`,
      details: { incidentNumber: incident.IncidentNumber, count: indicators.length, indicators: indicators.slice(0, 100), cves, addendum: true },
    });
    const key = createHash('sha256').update([...indicators.map((i) => `${i.type} ${i.value}`), ...cves].sort().join('\n')).digest('hex');
    const outcomes = indicators.length === 0 ? [] : await this.hub.enrichment.enrich({ indicators, tlp: enrichment.tlp, signal: this.signal });
    const { bundle, report } = enrichmentBundle(this.target, incident, reportedIndicators(outcomes), cves);
    await addenda.createQueryBuilder().insert()
      .values({ progressId: row.id, indicatorsKey: key, bundle: bundle as never, report: report as never }).orIgnore().execute();
    const addendum = (await addenda.findOneBy({ progressId: row.id, indicatorsKey: key }))!;
    return (await this.finish(row, addendum, events)) || noted;
  }

  /** PUBLISH then NOTE, from the step the addendum is at; whether a note was written now. */
  private async finish(row: ProgressRow, addendum: IvantiEnrichmentAddendumEntity, events: SyncEventInput[]): Promise<boolean> {
    const addenda = this.hub.dataSource.getRepository(IvantiEnrichmentAddendumEntity);
    const report = addendum.report as unknown as EnrichmentReport;
    const subjectId = row.ticketId ? toGlobalId('Ticket', row.ticketId) : null;
    const resumed = addendum.step;
    if (addendum.step === 'PUBLISH') {
      await this.target.threatIntel.publishBundle(addendum.bundle as unknown as StixBundle);
      await addenda.update({ id: addendum.id }, { step: 'NOTE' });
      addendum.step = 'NOTE';
      events.push({
        kind: IvantiEnrichmentEventKind.STIX_PUBLISHED, vendor: CYWARE_CTIX, subjectId,
        message: `STIX bundle ${report.bundleId} (later evidence) for Ivanti incident ${report.incident.number} published to ${report.ctixSource}`,
        details: { bundleId: report.bundleId, ctixSource: report.ctixSource, incidentNumber: report.incident.number, counts: report.counts, verdicts: verdictCounts(report.indicators), addendum: true },
      });
    }
    if (addendum.step !== 'NOTE') return false;
    const { ivanti, settings } = this.target;
    const subject = journalNoteSubject(report);
    const existing = resumed === 'NOTE' ? (await ivanti.listJournalNotes(row.incidentRecId)).find((n) => n.Subject === subject) : undefined;
    // After a first note, this one adds to it; an incident with nothing to publish before gets its first note.
    const follows = row.noteRecId !== null || await addenda.exists({ where: { progressId: row.id, step: 'DONE' } });
    const body = journalNoteBody(report, null, follows);
    const note = existing ?? await ivanti.createJournalNote(journalNoteCreate(row.incidentRecId, { subject, body }, settings.journalNote));
    await addenda.update({ id: addendum.id }, { step: 'DONE', noteRecId: note.RecId });
    events.push({
      kind: IvantiEnrichmentEventKind.JOURNAL_NOTE_ADDED, vendor: IVANTI_ITSM, subjectId,
      message: `Enrichment addendum note added to Ivanti incident ${report.incident.number}`,
      details: { incidentNumber: report.incident.number, noteRecId: note.RecId, bundleId: report.bundleId, addendum: true },
    });
    this.log.debug({ incident: report.incident.number, bundleId: report.bundleId }, 'Ivanti incident addendum noted');
    return existing === undefined;
  }
}
