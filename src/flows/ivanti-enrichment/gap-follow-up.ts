import { IVANTI_ITSM } from '../../sources/ivanti-itsm/vendor-id.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import { IvantiEnrichmentEventKind } from './event-kinds.js';
import { toGlobalId } from '../../domain/global-id.js';
import { journalNoteCreate } from '../../sources/ivanti-itsm/map.js';
import type { EnrichmentProgress, ProgressRow } from './enrichment-progress.js';
import { isAnswered, reportedIndicators, type EnrichmentReport, type FollowUpReport } from './enrichment-report.js';
import type { IvantiEnrichmentServices } from './ivanti-enrichment-services.js';
import type { IvantiEnrichmentTarget } from './ivanti-enrichment-target.js';
import { followUpNoteBody, followUpNoteSubject } from './journal-note.js';

/**
 * The providers that failed for an incident already noted are asked again on later runs (the engine stored no
 * answer for them, so it calls them; the others answer from cache). Once they all answer — or after
 * `gapRetries` runs with at least one answer — one follow-up journal note gives their verdicts; with none after
 * `gapRetries` runs it gives up. The bundle is not re-published (its indicators would be duplicated in CTIX);
 * the graph's enrichments hold the late answers.
 */
export class GapFollowUp {
  constructor(
    private readonly target: IvantiEnrichmentTarget,
    private readonly hub: IvantiEnrichmentServices,
    private readonly progress: EnrichmentProgress,
    private readonly signal: AbortSignal,
  ) {}

  /** Whether a follow-up note was written. */
  async run(row: ProgressRow, events: SyncEventInput[]): Promise<boolean> {
    const report = row.report as unknown as EnrichmentReport;
    const resumedAt = row.followUp;
    if (row.followUp === 'ENRICH') await this.enrichAgain(row, report, events);
    if (row.followUp !== 'NOTE') return false;
    const followUp = row.followUpReport as unknown as FollowUpReport;
    const subject = followUpNoteSubject(report);
    const existing = resumedAt === 'NOTE' ? (await this.target.ivanti.listJournalNotes(row.incidentRecId)).find((n) => n.Subject === subject) : undefined;
    const note = existing ?? await this.target.ivanti.createJournalNote(
      journalNoteCreate(row.incidentRecId, { subject, body: followUpNoteBody(report, followUp) }, this.target.settings.journalNote));
    await this.progress.followUpNoted(row, note.RecId);
    events.push({
      kind: IvantiEnrichmentEventKind.JOURNAL_NOTE_ADDED, vendor: IVANTI_ITSM, subjectId: row.ticketId ? toGlobalId('Ticket', row.ticketId) : null,
      message: `Enrichment follow-up note added to Ivanti incident ${row.incidentNumber}`,
      details: { incidentNumber: row.incidentNumber, noteRecId: note.RecId, bundleId: report.bundleId, followUp: true, stillMissing: followUp.stillMissing },
    });
    return existing === undefined;
  }

  private async enrichAgain(row: ProgressRow, report: EnrichmentReport, events: SyncEventInput[]): Promise<void> {
    const missing = report.indicators
      .map((i) => ({ indicator: i, providers: new Set(i.providers.filter((p) => p.status === 'FAILED').map((p) => p.provider)) }))
      .filter((m) => m.providers.size > 0);
    const outcomes = reportedIndicators(await this.hub.enrichment.enrich({
      indicators: missing.map((m) => ({ type: m.indicator.type, value: m.indicator.value })), tlp: report.tlp, signal: this.signal,
    }));
    const followUp: FollowUpReport = { indicators: [], stillMissing: [] };
    for (const { indicator, providers } of missing) {
      const now = outcomes.find((o) => o.type === indicator.type && o.value === indicator.value);
      const answers = (now?.providers ?? []).filter((p) => providers.has(p.provider) && isAnswered(p));
      for (const provider of providers) {
        if (!answers.some((a) => a.provider === provider)) followUp.stillMissing.push({ indicator: `${indicator.type} ${indicator.value}`, provider });
      }
      if (answers.length && now) followUp.indicators.push({ ...now, providers: answers });
    }
    const gotAll = followUp.stillMissing.length === 0;
    const lastTry = row.followUpAttempts + 1 >= this.target.settings.enrichment.gapRetries;
    const next = gotAll || (lastTry && followUp.indicators.length > 0) ? 'NOTE' : lastTry ? 'GAVE_UP' : 'ENRICH';
    await this.progress.followedUp(row, next, next === 'NOTE' ? followUp as unknown as Record<string, unknown> : null);
    // Answers obtained are ENRICHED events of the engine; giving up is ours to say.
    if (next === 'GAVE_UP') {
      events.push({
        kind: SyncEventKind.SYNC_WARNING, vendor: IVANTI_ITSM, subjectId: row.ticketId ? toGlobalId('Ticket', row.ticketId) : null,
        message: `Ivanti incident ${row.incidentNumber}: providers still not answering after ${row.followUpAttempts} attempts; giving up`,
        details: { incidentNumber: row.incidentNumber, stillMissing: followUp.stillMissing, attempts: row.followUpAttempts },
      });
    }
  }
}
