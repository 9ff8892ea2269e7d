import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { SECUREWORKS_CTP } from '../../sources/secureworks-ctp/vendor-id.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import type { HubServices } from '../../services/hub-services.js';
import { toGlobalId } from '../../domain/global-id.js';
import type { CtpTicket } from '../../sources/secureworks-ctp/wire.js';
import { TicketEntity } from '../../store/entities/index.js';
import type { JobContext, JobDefinition } from '../../jobs/job-definition.js';
import { closeTicketsClosedInResilient } from './close-tickets-from-resilient.js';
import { ctpResilientPairs, type CtpResilientPair } from './ctp-resilient-pair.js';
import { CtpTicketSync, type PageRecord } from './ticket-sync.js';

export const CTP_RESILIENT_SYNC = 'ctp-resilient-sync';

interface SourceCursor {
  /** `inc_last_modified_date` (ms) up to which Resilient closes were handled. */
  resilientModifiedSince?: number;
}

interface RunTotals {
  tickets: number;
  acknowledged: number;
  failed: number;
  mirroredOnly: number;
  incidentsCreated: number;
  incidentsClosed: number;
  incidentsReopened: number;
  notesAdded: number;
  attachmentsAdded: number;
  ticketsClosed: number;
  pages: number;
}

/** How far back the first run looks for incidents closed in Resilient. */
const FIRST_LOOKBACK_MS = 24 * 3600_000;

/**
 * Secureworks CTP ⇄ IBM Resilient. Each run, per CTP source: drain the updates feed page by page (sync each
 * ticket with bounded concurrency, acknowledge those durably synced, fetch the next page), then close the CTP
 * tickets of incidents closed in Resilient since the stored cursor.
 */
export function ctpResilientSyncJob(hub: Omit<HubServices, 'jobs'>): JobDefinition {
  const seeded = new Set<string>();
  return {
    name: CTP_RESILIENT_SYNC,
    description: 'Secureworks CTP tickets into IBM Resilient incidents (notes, attachments, updates, closes) and Resilient closes back to CTP',
    intervalSeconds: hub.sources.pollInterval([SECUREWORKS_CTP]),
    pollsVendors: [SECUREWORKS_CTP],
    async run(ctx) {
      const totals: RunTotals = { tickets: 0, acknowledged: 0, failed: 0, mirroredOnly: 0, incidentsCreated: 0, incidentsClosed: 0, incidentsReopened: 0, notesAdded: 0, attachmentsAdded: 0, ticketsClosed: 0, pages: 0 };
      const cursors = (await ctx.getCursor<Record<string, SourceCursor>>()) ?? {};
      for (const pair of ctpResilientPairs(hub.sources)) {
        const name = pair.ctpSource.config.name;
        if (pair.settings.closeCodes && !seeded.has(name)) {
          // IBM's `close_codes`: Resilient's close-code select offers exactly these (once per process).
          await pair.resilient.replaceSelectValues('scwx_ctp_close_code', pair.settings.closeCodes);
          seeded.add(name);
        }
        await drainFeed(pair, hub, ctx, totals);
        if (ctx.signal.aborted) break;
        const since = cursors[name]?.resilientModifiedSince ?? Date.now() - FIRST_LOOKBACK_MS;
        const closes = await closeTicketsClosedInResilient(pair, hub.dataSource, hub.events, since);
        totals.ticketsClosed += closes.ticketsClosed;
        cursors[name] = { resilientModifiedSince: closes.cursor };
        await ctx.setCursor(cursors as Record<string, unknown>);
      }
      return { ...totals };
    },
  };
}

async function drainFeed(pair: CtpResilientPair, hub: Omit<HubServices, 'jobs'>, ctx: JobContext, totals: RunTotals): Promise<void> {
  const sync = new CtpTicketSync(pair, hub.dataSource);
  try {
    await drainQueries(sync, pair, hub, ctx, totals);
  } finally {
    await sync.close();
  }
}

async function drainQueries(sync: CtpTicketSync, pair: CtpResilientPair, hub: Omit<HubServices, 'jobs'>, ctx: JobContext, totals: RunTotals): Promise<void> {
  const { log, signal } = ctx;
  const limit = pLimit(pair.settings.concurrency);
  for (const query of pair.settings.ticketQueries) {
    const failedThisRun = new Set<string>();
    // Progress: tickets synced of those waiting in the feed (CTP's count endpoint, asked once the first page is in
    // hand, so a run with nothing waiting makes no extra call and reports nothing).
    let total: number | null | undefined;
    for (;;) {
      if (signal.aborted) return;
      const page = await pair.ctp.fetchUpdates({ ...query, limit: pair.settings.queryLimit });
      totals.pages += 1;
      // Tickets that already failed in this run come back until acknowledged: do not retry them in a loop.
      const fresh = page.filter((t) => !failedThisRun.has(`${t.ticketId}@${t.version}`));
      if (fresh.length === 0) break;
      if (total === undefined) {
        const waiting = await pair.ctp.countUpdates({ ticketType: query.ticketType, groupingType: query.groupingType })
          .catch((error: Error) => { log.debug({ err: error.message }, 'CTP ticket count unavailable; progress without a total'); return null; });
        total = waiting === null ? null : totals.tickets + waiting;
        ctx.reportProgress({ done: totals.tickets, total });
      }
      const done: CtpTicket[] = [];
      const record: PageRecord = { events: [], writesDone: [] };
      const { events } = record;
      // Step 1 for the whole page in one statement.
      const mirrored = await sync.mirrorPage(fresh, (error) => log.warn({ err: error instanceof Error ? error.message : String(error) },
        'mirroring a page of CTP tickets at once failed; mirroring them one by one'));
      await Promise.all(fresh.map((ticket, index) => limit(async () => {
        totals.tickets += 1;
        ctx.reportProgress({ done: totals.tickets, total: total ?? null });
        try {
          const outcome = await sync.sync(ticket, record, mirrored[index]);
          totals.incidentsCreated += Number(outcome.incidentCreated);
          totals.incidentsClosed += Number(outcome.incidentClosed);
          totals.incidentsReopened += Number(outcome.incidentReopened);
          totals.notesAdded += outcome.notesAdded;
          totals.attachmentsAdded += outcome.attachmentsAdded;
          totals.mirroredOnly += Number(outcome.mirroredOnly);
          done.push(ticket);
        } catch (error) {
          totals.failed += 1;
          failedThisRun.add(`${ticket.ticketId}@${ticket.version}`);
          events.push(await failureEvent(hub, pair, ticket, error, log));
        }
      })));
      // One write for what landed on the page's incidents, one for its events, then the acknowledgement: a crash
      // in between re-delivers the tickets, and re-syncing them finds everything done (a write still recorded as
      // pending is looked up on the incident, not repeated; no effect and no event is repeated). A crash before
      // the events are written loses the events of the page's work (not the work): the event log is not
      // transactional with vendors.
      await sync.recordWritesDone(record);
      await hub.events.publish(events);
      if (done.length > 0) {
        // Only now: everything about these versions is durably recorded, so the feed may forget them.
        await pair.ctp.acknowledge(done.map((t) => ({ ticketId: t.ticketId, version: t.version })));
        totals.acknowledged += done.length;
      }
      if (page.length < pair.settings.queryLimit) break;
    }
  }
}

async function failureEvent(hub: Omit<HubServices, 'jobs'>, pair: CtpResilientPair, ticket: CtpTicket, error: unknown, log: Logger): Promise<SyncEventInput> {
  const message = error instanceof Error ? error.message : String(error);
  log.warn({ ticketId: ticket.ticketId, err: message }, 'CTP ticket sync failed; it stays unacknowledged and is retried next run');
  const row = await hub.dataSource.getRepository(TicketEntity).findOne({ where: { sourceId: pair.ctpSource.entity.id, externalId: ticket.ticketId } });
  return {
    kind: SyncEventKind.SYNC_FAILED, vendor: SECUREWORKS_CTP, subjectId: row ? toGlobalId('Ticket', row.id) : null,
    message: `CTP ticket ${ticket.ticketId} not synced: ${message}`.slice(0, 1000),
    details: { ticketId: ticket.ticketId, version: ticket.version, error: message.slice(0, 2000) },
  };
}
