import type { Logger } from 'pino';
import type { IndicatorRef } from '../../domain/enrichment.js';
import { CYWARE_CTIX } from '../../sources/cyware-ctix/vendor-id.js';
import { IVANTI_ITSM } from '../../sources/ivanti-itsm/vendor-id.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import { IvantiEnrichmentEventKind } from './event-kinds.js';
import { extractIndicators, type ExtractedIndicator } from '../../indicators/extract.js';
import { toGlobalId } from '../../domain/global-id.js';
import { incidentUrl, journalNoteCreate } from '../../sources/ivanti-itsm/map.js';
import type { IvantiIncident } from '../../sources/ivanti-itsm/wire.js';
import { buildEnrichmentBundle, type StixBundle } from '../../stix/bundle.js';
import { validateStixBundle } from '../../stix/validate.js';
import { directSql } from '../../store/queryable.js';
import type { EnrichmentProgress, ProgressRow } from './enrichment-progress.js';
import { bundleIndicator, reportGaps, reportedIndicators, verdictCounts, type EnrichmentReport, type ReportedIndicator } from './enrichment-report.js';
import { recordTicketSightings } from './indicator-sightings.js';
import type { IvantiEnrichmentServices } from './ivanti-enrichment-services.js';
import type { IvantiEnrichmentTarget } from './ivanti-enrichment-target.js';
import { journalNoteBody, journalNoteSubject } from './journal-note.js';
import { findOrCreateRecordIncident } from './record-incident.js';
import { retrieveTicket } from './ticket-retrieval.js';

export interface TicketOutcome {
  indicators: number;
  attachmentsRead: number;
  published: boolean;
  recordCreated: boolean;
  noteAdded: boolean;
  /** No indicator and no CVE: nothing to publish or note. */
  empty: boolean;
  /** Provider answers missing (failed or not asked). */
  gaps: number;
}

/**
 * One Ivanti incident through the playbook, from the step its progress row is at: RETRIEVE (mirror, extract,
 * enrich, build and validate the bundle, store it), PUBLISH (send it to CTIX), RECORD (create the Ivanti incident
 * recording it), NOTE (the journal note on the original incident). Each step is recorded once done, so a retry
 * never repeats a finished one; a step interrupted after its vendor call (answer lost, crash) looks for its own
 * earlier write before writing again.
 */
export class TicketPlaybook {
  constructor(
    private readonly target: IvantiEnrichmentTarget,
    private readonly hub: IvantiEnrichmentServices,
    private readonly progress: EnrichmentProgress,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
  ) {}

  /** Fills `outcome` as steps complete, so a failure part-way still reports what was done. */
  async run(row: ProgressRow, fetched: IvantiIncident | null, events: SyncEventInput[], outcome: TicketOutcome = emptyOutcome()): Promise<TicketOutcome> {
    const resumedAt = row.step;
    if (row.step === 'RETRIEVE') {
      const incident = fetched ?? await this.target.ivanti.getIncident(row.incidentRecId);
      if (!incident) {
        // Deleted in Ivanti since it was seen: nothing left to enrich or note.
        const message = `Ivanti incident ${row.incidentNumber} (${row.incidentRecId}) no longer exists; not enriched`;
        await this.progress.gone(row, message);
        events.push({ kind: SyncEventKind.SYNC_WARNING, vendor: IVANTI_ITSM, subjectId: null, message, details: { incidentNumber: row.incidentNumber, recId: row.incidentRecId } });
        return outcome;
      }
      const built = await this.retrieveExtractEnrich(row, incident, events, outcome);
      if (!built) return outcome;
    }
    const report = row.report as unknown as EnrichmentReport;
    outcome.indicators = report.indicators.length;
    outcome.gaps = reportGaps(report).length;
    const subjectId = row.ticketId ? toGlobalId('Ticket', row.ticketId) : null;

    if (row.step === 'PUBLISH') {
      // The bundle stored before the first attempt: a resend after a lost answer carries the same ids.
      await this.target.threatIntel.publishBundle(row.bundle as unknown as StixBundle);
      await this.progress.published(row);
      outcome.published = true;
      events.push({
        kind: IvantiEnrichmentEventKind.STIX_PUBLISHED, vendor: CYWARE_CTIX, subjectId,
        message: `STIX bundle ${report.bundleId} for Ivanti incident ${report.incident.number} published to ${report.ctixSource}`,
        details: {
          bundleId: report.bundleId, ctixSource: report.ctixSource, incidentNumber: report.incident.number, counts: report.counts,
          verdicts: verdictCounts(report.indicators), gaps: reportGaps(report),
        },
      });
    }
    if (row.step === 'RECORD') {
      const { incident, created } = await findOrCreateRecordIncident(this.target.ivanti, report, this.target.settings.newIncident, resumedAt === 'RECORD');
      await this.progress.recorded(row, incident.RecId, incident.IncidentNumber);
      outcome.recordCreated = created;
    }
    if (row.step === 'NOTE') {
      const noteRecId = await this.writeJournalNote(row, report, resumedAt === 'NOTE');
      const failed = report.indicators.some((i) => i.providers.some((p) => p.status === 'FAILED'));
      await this.progress.noted(row, noteRecId.recId, failed && this.target.settings.enrichment.gapRetries > 0);
      outcome.noteAdded = noteRecId.created;
      events.push({
        kind: IvantiEnrichmentEventKind.JOURNAL_NOTE_ADDED, vendor: IVANTI_ITSM, subjectId,
        message: `Enrichment note added to Ivanti incident ${report.incident.number}`,
        details: { incidentNumber: report.incident.number, noteRecId: noteRecId.recId, bundleId: report.bundleId, recordIncidentNumber: row.recordIncidentNumber },
      });
    }
    return outcome;
  }

  /** RETRIEVE: false when the incident holds nothing to publish (then DONE). */
  private async retrieveExtractEnrich(row: ProgressRow, incident: IvantiIncident, events: SyncEventInput[], outcome: TicketOutcome): Promise<boolean> {
    const { settings, ivantiSource } = this.target;
    const db = directSql(this.hub.dataSource);
    const retrieved = await retrieveTicket(this.target, db, incident);
    outcome.attachmentsRead = retrieved.attachmentsRead;
    await this.progress.mirrored(row, retrieved.ticketId);
    const subjectId = toGlobalId('Ticket', retrieved.ticketId);
    if (retrieved.created) {
      events.push({ kind: SyncEventKind.TICKET_IMPORTED, vendor: IVANTI_ITSM, subjectId, message: `Ivanti incident ${incident.IncidentNumber} imported`, details: { incidentNumber: incident.IncidentNumber, recId: incident.RecId } });
    }

    const found = extractAll(retrieved.texts.map((t) => t.text), settings.enrichment);
    const indicators = found.filter((i): i is ExtractedIndicator & IndicatorRef => i.type !== 'CVE');
    const cves = found.filter((i) => i.type === 'CVE').map((i) => i.value);
    outcome.indicators = indicators.length;
    await recordTicketSightings(db, retrieved.ticketId, ivantiSource.entity.id, indicators);
    events.push({
      kind: IvantiEnrichmentEventKind.INDICATORS_EXTRACTED, vendor: IVANTI_ITSM, subjectId,
      message: `${indicators.length} indicators extracted from Ivanti incident ${incident.IncidentNumber}`,
      details: { incidentNumber: incident.IncidentNumber, count: indicators.length, indicators: indicators.slice(0, 100), cves, attachmentsRead: retrieved.attachmentsRead },
    });
    if (indicators.length === 0 && cves.length === 0) {
      await this.progress.nothingToPublish(row);
      outcome.empty = true;
      return false;
    }

    const outcomes = indicators.length === 0 ? [] : await this.hub.enrichment.enrich({ indicators, tlp: settings.enrichment.tlp, signal: this.signal });
    // The engine publishes one ENRICHED event per indicator it looked up.
    const { bundle, report } = enrichmentBundle(this.target, incident, reportedIndicators(outcomes), cves);
    await this.progress.built(row, bundle, report);
    this.log.debug({ incident: incident.IncidentNumber, bundleId: bundle.id, indicators: report.indicators.length }, 'Ivanti incident enriched; bundle stored');
    return true;
  }

  /** The journal note, once: after an interrupted attempt, a note with our subject on the incident is the one. */
  private async writeJournalNote(row: ProgressRow, report: EnrichmentReport, mayExist: boolean): Promise<{ recId: string; created: boolean }> {
    const { ivanti, settings } = this.target;
    const subject = journalNoteSubject(report);
    if (mayExist) {
      const existing = (await ivanti.listJournalNotes(row.incidentRecId)).find((n) => n.Subject === subject);
      if (existing) return { recId: existing.RecId, created: false };
    }
    const note = await ivanti.createJournalNote(journalNoteCreate(row.incidentRecId, { subject, body: journalNoteBody(report, row.recordIncidentNumber) }, settings.journalNote));
    return { recId: note.RecId, created: true };
  }
}

/** The STIX bundle of an incident's enriched indicators (validated against the OASIS schemas) and its report. */
export function enrichmentBundle(target: IvantiEnrichmentTarget, incident: IvantiIncident, reported: ReportedIndicator[], cves: string[]): { bundle: StixBundle; report: EnrichmentReport } {
  const { settings } = target;
  const url = incidentUrl(incident, settings.incidentUrlTemplate);
  const { bundle, counts } = buildEnrichmentBundle({
    ticket: { externalId: String(incident.IncidentNumber), title: incident.Subject || `Incident ${incident.IncidentNumber}`, createdAt: incident.CreatedDateTime, ...(url ? { url } : {}) },
    tlp: settings.enrichment.tlp,
    indicators: reported.map(bundleIndicator),
    cves,
  });
  const validation = validateStixBundle(bundle);
  if (!validation.valid) throw new Error(`the STIX bundle for incident ${incident.IncidentNumber} is not valid: ${validation.errors.slice(0, 5).join('; ')}`);
  return {
    bundle,
    report: {
      incident: { recId: incident.RecId, number: incident.IncidentNumber, subject: incident.Subject ?? '' },
      tlp: settings.enrichment.tlp,
      bundleId: bundle.id,
      ctixSource: target.ctixSource.config.name,
      counts,
      indicators: reported,
      cves,
    },
  };
}

export function emptyOutcome(): TicketOutcome {
  return { indicators: 0, attachmentsRead: 0, published: false, recordCreated: false, noteAdded: false, empty: false, gaps: 0 };
}

/** Indicators across all texts, in order of first appearance, each once. */
export function extractAll(texts: string[], options: { includePrivateIps: boolean; includeCves: boolean }): ExtractedIndicator[] {
  const seen = new Set<string>();
  const all: ExtractedIndicator[] = [];
  for (const text of texts) {
    for (const indicator of extractIndicators(text, options)) {
      const key = `${indicator.type} ${indicator.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(indicator);
    }
  }
  return all;
}

