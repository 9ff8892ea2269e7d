import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { IVANTI_ITSM } from '../../sources/ivanti-itsm/vendor-id.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import { toGlobalId } from '../../domain/global-id.js';
import type { IvantiIncident } from '../../sources/ivanti-itsm/wire.js';
import type { JobContext, JobDefinition } from '../../jobs/job-definition.js';
import { EnrichmentProgress, type ProgressRow } from './enrichment-progress.js';
import { GapFollowUp } from './gap-follow-up.js';
import { advanceCursor, isBehindCursor, type IncidentCursor } from './incident-cursor.js';
import type { IvantiEnrichmentServices } from './ivanti-enrichment-services.js';
import { ivantiEnrichmentSources, ivantiEnrichmentTarget, type IvantiEnrichmentTarget } from './ivanti-enrichment-target.js';
import { incidentsWithNewEvidence, LaterEvidence } from './later-evidence.js';
import { isPlaybookRecord } from './record-incident.js';
import { emptyOutcome, TicketPlaybook, type TicketOutcome } from './ticket-playbook.js';

export const IVANTI_ENRICHMENT = 'ivanti-enrichment';

interface RunTotals {
  incidentsFound: number;
  ownRecordsSkipped: number;
  processed: number;
  failed: number;
  indicators: number;
  attachmentsRead: number;
  bundlesPublished: number;
  recordIncidentsCreated: number;
  notesAdded: number;
  withoutIndicators: number;
  providerGaps: number;
  followUpNotesAdded: number;
  followUpsFailed: number;
  laterEvidenceNotesAdded: number;
  laterEvidenceFailed: number;
}

/**
 * The Ivanti enrichment playbook. Each run, per Ivanti source: enqueue the incidents created since the cursor
 * (durably, before the cursor moves past them), then take every incident not yet DONE — new ones and those a
 * previous run failed or was interrupted on — through retrieve, extract, enrich, publish and write back.
 */
export function ivantiEnrichmentJob(hub: IvantiEnrichmentServices): JobDefinition {
  return {
    name: IVANTI_ENRICHMENT,
    description: 'Ivanti ITSM incidents: extract indicators, enrich them, publish a STIX bundle to CTIX, record it in Ivanti and write a journal note back',
    intervalSeconds: hub.sources.pollInterval([IVANTI_ITSM]),
    pollsVendors: [IVANTI_ITSM],
    async run(ctx) {
      const totals: RunTotals = {
        incidentsFound: 0, ownRecordsSkipped: 0, processed: 0, failed: 0, indicators: 0, attachmentsRead: 0,
        bundlesPublished: 0, recordIncidentsCreated: 0, notesAdded: 0, withoutIndicators: 0, providerGaps: 0,
        followUpNotesAdded: 0, followUpsFailed: 0, laterEvidenceNotesAdded: 0, laterEvidenceFailed: 0,
      };
      const startedAt = new Date();
      const cursors = (await ctx.getCursor<Record<string, IncidentCursor>>()) ?? {};
      const sourceErrors: string[] = [];
      for (const source of ivantiEnrichmentSources(hub.sources)) {
        if (ctx.signal.aborted) break;
        try {
          const target = ivantiEnrichmentTarget(hub.sources, source);
          const progress = new EnrichmentProgress(hub.dataSource, source.entity.id);
          const fresh = await enqueueNewIncidents(target, progress, cursors, totals, async () => ctx.setCursor(cursors as unknown as Record<string, unknown>));
          await processUnfinished(target, hub, progress, fresh, totals, ctx.signal, ctx.log, ctx.reportProgress);
          if (ctx.signal.aborted) break;
          await followUpGaps(target, hub, progress, startedAt, totals, ctx.signal, ctx.log);
          if (ctx.signal.aborted) break;
          await readLaterEvidence(target, hub, progress, cursors, startedAt, totals, ctx.signal, ctx.log,
            async () => ctx.setCursor(cursors as unknown as Record<string, unknown>));
        } catch (error) {
          // One source that cannot be read (or is misconfigured) does not keep the others waiting; the run still fails.
          sourceErrors.push(error instanceof Error ? error.message : String(error));
        }
      }
      if (sourceErrors.length) throw new Error(sourceErrors.join('; '));
      return { ...totals };
    },
  };
}

/**
 * Reads the incidents created since the source's cursor (less `lateArrivalSeconds`), page by page: each page's
 * incidents not taken before are enqueued, then the cursor moves past them. The playbook's own record incidents
 * are skipped (and passed by the cursor).
 */
async function enqueueNewIncidents(
  target: IvantiEnrichmentTarget, progress: EnrichmentProgress, cursors: Record<string, IncidentCursor>, totals: RunTotals,
  saveCursors: () => Promise<void>,
): Promise<Map<string, IvantiIncident>> {
  const name = target.ivantiSource.config.name;
  const { pageSize, incidentFilter, enrichment } = target.settings;
  const start = cursors[name] ?? null;
  const since = start
    ? new Date(Date.parse(start.createdAt) - enrichment.lateArrivalSeconds * 1000)
    : new Date(Date.now() - enrichment.firstRunLookbackHours * 3600_000);
  const fresh = new Map<string, IvantiIncident>();
  let page: IvantiIncident[] = [];
  const flush = async () => {
    if (page.length === 0) return;
    const ids = page.map((i) => i.RecId);
    const [records, known] = await Promise.all([progress.recordIncidents(ids), progress.known(ids)]);
    const own = page.filter((i) => records.has(i.RecId) || isPlaybookRecord(i));
    const theirs = page.filter((i) => !known.has(i.RecId) && !own.includes(i));
    // Behind the cursor (the late-arrival window) only what was never seen counts.
    totals.ownRecordsSkipped += own.filter((i) => !isBehindCursor(i, start)).length;
    totals.incidentsFound += theirs.length;
    await progress.enqueue(theirs);
    for (const incident of theirs) fresh.set(incident.RecId, incident);
    const moved = advanceCursor(cursors[name] ?? null, page);
    if (moved) cursors[name] = moved;
    await saveCursors();
    page = [];
  };
  for await (const incident of target.ivanti.incidentsCreatedSince(since, { pageSize, filter: incidentFilter ?? undefined })) {
    page.push(incident);
    if (page.length >= pageSize) await flush();
  }
  await flush();
  return fresh;
}

async function processUnfinished(
  target: IvantiEnrichmentTarget, hub: IvantiEnrichmentServices, progress: EnrichmentProgress, fresh: Map<string, IvantiIncident>,
  totals: RunTotals, signal: AbortSignal, log: Logger, reportProgress: JobContext['reportProgress'],
): Promise<void> {
  const playbook = new TicketPlaybook(target, hub, progress, signal, log);
  const limit = pLimit(target.settings.enrichment.concurrency);
  const rows = await progress.unfinished();
  // Progress: incidents taken through the playbook (done or failed) of those unfinished when this pass started.
  const before = totals.processed + totals.failed;
  reportProgress({ done: before, total: before + rows.length });
  await Promise.all(rows.map((row) => limit(async () => {
    if (signal.aborted) return;
    const events: SyncEventInput[] = [];
    const step = row.step;
    const outcome = emptyOutcome();
    try {
      await playbook.run(row, fresh.get(row.incidentRecId) ?? null, events, outcome);
      totals.processed += 1;
    } catch (error) {
      // Shutdown: the incident stays at its step for the next run; not a failure.
      if (signal.aborted) return;
      totals.failed += 1;
      events.push(await failure(progress, row, step, error, log));
    } finally {
      addOutcome(totals, outcome);
      await hub.events.publish(events);
      reportProgress({ done: totals.processed + totals.failed, total: before + rows.length });
    }
  })));
}

/** Incidents noted before this run with providers that had failed: ask those again (see GapFollowUp). */
async function followUpGaps(
  target: IvantiEnrichmentTarget, hub: IvantiEnrichmentServices, progress: EnrichmentProgress, runStartedAt: Date,
  totals: RunTotals, signal: AbortSignal, log: Logger,
): Promise<void> {
  const followUp = new GapFollowUp(target, hub, progress, signal);
  const rows = await progress.followUpsDue(runStartedAt);
  await forEachIncident(rows, target.settings.enrichment.concurrency, hub, signal, {
    async work(row, events) {
      // Awaited first: `totals.x += await …` reads x before the await and loses what concurrent rows added meanwhile.
      const added = await followUp.run(row, events);
      totals.followUpNotesAdded += Number(added);
    },
    failed(row, message) {
      totals.followUpsFailed += 1;
      log.warn({ incident: row.incidentNumber, err: message }, 'Ivanti enrichment follow-up failed; it is retried next run');
      return { what: 'enrichment follow-up failed', step: `FOLLOW_UP_${row.followUp}` };
    },
  });
}

/**
 * Takes each row through `work`, `concurrency` at a time, publishing the events each produced. A row that fails is
 * reported (SYNC_FAILED on its ticket, with `failed`'s words) and does not stop the others; on shutdown no new row
 * starts and an interrupted one is not a failure.
 */
async function forEachIncident(
  rows: ProgressRow[], concurrency: number, hub: IvantiEnrichmentServices, signal: AbortSignal,
  pass: {
    work(row: ProgressRow, events: SyncEventInput[]): Promise<void>;
    failed(row: ProgressRow, message: string): { what: string; step: string };
  },
): Promise<void> {
  const limit = pLimit(concurrency);
  await Promise.all(rows.map((row) => limit(async () => {
    if (signal.aborted) return;
    const events: SyncEventInput[] = [];
    try {
      await pass.work(row, events);
    } catch (error) {
      if (signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      const { what, step } = pass.failed(row, message);
      events.push({
        kind: SyncEventKind.SYNC_FAILED, vendor: IVANTI_ITSM, subjectId: row.ticketId ? toGlobalId('Ticket', row.ticketId) : null,
        message: `Ivanti incident ${row.incidentNumber}: ${what}: ${message}`.slice(0, 1000),
        details: { incidentNumber: row.incidentNumber, recId: row.incidentRecId, step, error: message.slice(0, 2000) },
      });
    } finally {
      await hub.events.publish(events);
    }
  })));
}

/**
 * Notes and attachments added (by others) since the last look, on incidents noted within `laterEvidenceHours`: their
 * new indicators become an addendum (see LaterEvidence). The look-back mark moves only when every incident went
 * through, so a failed one is looked at again next run; the first run only sets the mark.
 */
async function readLaterEvidence(
  target: IvantiEnrichmentTarget, hub: IvantiEnrichmentServices, progress: EnrichmentProgress, cursors: Record<string, IncidentCursor>,
  runStartedAt: Date, totals: RunTotals, signal: AbortSignal, log: Logger, saveCursors: () => Promise<void>,
): Promise<void> {
  const { laterEvidenceHours, lateArrivalSeconds, concurrency } = target.settings.enrichment;
  if (laterEvidenceHours <= 0) return;
  const key = `${target.ivantiSource.config.name}:later-evidence`;
  const mark = cursors[key];
  if (!mark) {
    cursors[key] = { createdAt: runStartedAt.toISOString(), recIds: [] };
    return saveCursors();
  }
  const { recIds, newest } = await incidentsWithNewEvidence(target, new Date(Date.parse(mark.createdAt) - lateArrivalSeconds * 1000));
  const rows = await progress.doneSince([...recIds], new Date(Date.now() - laterEvidenceHours * 3600_000));
  const laterEvidence = new LaterEvidence(target, hub, signal, log);
  let failures = 0;
  await forEachIncident(rows, concurrency, hub, signal, {
    async work(row, events) {
      const added = await laterEvidence.run(row, events); // awaited first (see followUpGaps)
      totals.laterEvidenceNotesAdded += Number(added);
    },
    failed(row, message) {
      failures += 1;
      totals.laterEvidenceFailed += 1;
      log.warn({ incident: row.incidentNumber, err: message }, 'Ivanti later evidence failed; it is looked at again next run');
      return { what: 'later notes or attachments not enriched', step: 'LATER_EVIDENCE' };
    },
  });
  if (failures === 0 && !signal.aborted && newest && newest.getTime() > Date.parse(mark.createdAt)) {
    cursors[key] = { createdAt: newest.toISOString(), recIds: [] };
    await saveCursors();
  }
}

function addOutcome(totals: RunTotals, outcome: TicketOutcome): void {
  totals.indicators += outcome.indicators;
  totals.attachmentsRead += outcome.attachmentsRead;
  totals.bundlesPublished += Number(outcome.published);
  totals.recordIncidentsCreated += Number(outcome.recordCreated);
  totals.notesAdded += Number(outcome.noteAdded);
  totals.withoutIndicators += Number(outcome.empty);
  totals.providerGaps += outcome.gaps;
}

async function failure(progress: EnrichmentProgress, row: ProgressRow, startedAt: string, error: unknown, log: Logger): Promise<SyncEventInput> {
  const message = error instanceof Error ? error.message : String(error);
  log.warn({ incident: row.incidentNumber, step: row.step, err: message }, 'Ivanti enrichment failed for an incident; it is retried next run');
  await progress.failed(row, message);
  return {
    kind: SyncEventKind.SYNC_FAILED, vendor: IVANTI_ITSM, subjectId: row.ticketId ? toGlobalId('Ticket', row.ticketId) : null,
    message: `Ivanti incident ${row.incidentNumber} not enriched (at ${row.step}): ${message}`.slice(0, 1000),
    details: { incidentNumber: row.incidentNumber, recId: row.incidentRecId, step: row.step, startedAt, failures: row.failures, error: message.slice(0, 2000) },
  };
}
