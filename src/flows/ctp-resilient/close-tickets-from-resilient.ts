import type { DataSource } from 'typeorm';
import { SECUREWORKS_CTP } from '../../sources/secureworks-ctp/vendor-id.js';
import type { EventLog } from '../../events/event-log.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import { toGlobalId } from '../../domain/global-id.js';
import { CTP_TICKET_ID_FIELD, ticketIncidentsModifiedSince } from '../../sources/ibm-resilient/incident-queries.js';
import { incidentFromResilient, textOf } from '../../sources/ibm-resilient/map.js';
import type { ResilientIncident } from '../../sources/ibm-resilient/wire.js';
import { isClosedCtpStatus, ticketFromCtp } from '../../sources/secureworks-ctp/map.js';
import { TicketEntity } from '../../store/entities/index.js';
import { mirrorIncidents } from '../../store/incident-mirror.js';
import { mirrorTicket } from '../../store/ticket-mirror.js';
import type { CtpResilientPair } from './ctp-resilient-pair.js';
import { closesHandled, markClosesHandled } from './close-handled.js';
import { patchIncident } from '../../sources/ibm-resilient/incident-patcher.js';

const PAGE = 100;

export interface ResilientCloseOutcome {
  ticketsClosed: number;
  /** Newest `inc_last_modified_date` seen: the next poll's cursor. */
  cursor: number;
}

/**
 * Resilient → CTP: linked incidents changed since `sinceMs` are read (any status, through query_paged); one
 * whose close happened in Resilient since the last look closes its CTP ticket with the incident's close code and
 * resolution summary. Like IBM's rule (`plan_status changed_to Closed`, notes B7) only a transition counts: a
 * close already handled (acted on before, or caused by the hub) is never acted on again, however often the
 * incident changes afterwards, so a ticket reopened in CTP stays open. A close that came from CTP
 * (scwx_ctp_status already Closed/Resolved) is never sent back, and a ticket already closed is left alone.
 */
export async function closeTicketsClosedInResilient(pair: CtpResilientPair, dataSource: DataSource, events: EventLog, sinceMs: number): Promise<ResilientCloseOutcome> {
  let cursor = sinceMs;
  let ticketsClosed = 0;
  for (let start = 0; ; start += PAGE) {
    const page = await pair.resilient.queryIncidents(ticketIncidentsModifiedSince(sinceMs), { start, length: PAGE });
    // The page is stored in one statement; then each incident closed in Resilient closes its ticket.
    await mirrorIncidents(dataSource, pair.resilientSource.entity.id, page.data.map((incident) => incidentFromResilient(incident, pair.resilientSource.config.baseUrl)));
    const sourceId = pair.resilientSource.entity.id;
    // Seen open: whatever close it had is over, and its next close is a new one.
    await markClosesHandled(dataSource, sourceId, page.data.filter((i) => i.plan_status !== 'C').map((i) => String(i.id)), false);
    const handled = await closesHandled(dataSource, sourceId, page.data.map((i) => String(i.id)));
    for (const incident of page.data) {
      cursor = Math.max(cursor, incident.inc_last_modified_date ?? incident.create_date);
      if (incident.plan_status !== 'C' || handled.has(String(incident.id))) continue;
      if (await closeTicketOfIncident(pair, dataSource, events, incident)) ticketsClosed += 1;
    }
    if (page.data.length < PAGE) break;
  }
  return { ticketsClosed, cursor };
}

/**
 * Closes the CTP ticket of an incident closed in Resilient, and marks that close handled. Returns false when
 * there is nothing to do (the close came from CTP, or the ticket is already closed).
 */
export async function closeTicketOfIncident(pair: CtpResilientPair, dataSource: DataSource, events: EventLog, incident: ResilientIncident): Promise<boolean> {
  const closedNow = await closeTicketIfOpen(pair, dataSource, events, incident);
  await markClosesHandled(dataSource, pair.resilientSource.entity.id, [String(incident.id)], true);
  return closedNow;
}

async function closeTicketIfOpen(pair: CtpResilientPair, dataSource: DataSource, events: EventLog, incident: ResilientIncident): Promise<boolean> {
  const ticketId = incident.properties[CTP_TICKET_ID_FIELD];
  const ctpStatus = incident.properties.scwx_ctp_status;
  if (typeof ticketId !== 'string' || !ticketId) return false;
  if (typeof ctpStatus === 'string' && isClosedCtpStatus(ctpStatus)) return false;
  const tickets = dataSource.getRepository(TicketEntity);
  const known = await tickets.findOne({ where: { sourceId: pair.ctpSource.entity.id, externalId: ticketId } });
  let closedNow = false;
  if (known?.status !== 'CLOSED') {
    const current = await pair.ctp.getTicket(ticketId, { includeWorklogs: false });
    if (!isClosedCtpStatus(current.status)) {
      const closeCode = String(incident.properties.scwx_ctp_close_code ?? '') || pair.settings.defaultCloseCode;
      const summary = stripHtml(textOf(incident.resolution_summary) ?? '');
      await pair.ctp.closeTicket(ticketId, { closeCode, ...(summary ? { worklogContent: summary } : {}) });
      const closed = await pair.ctp.getTicket(ticketId, { includeWorklogs: true });
      const { ticketId: storedId } = await mirrorTicket(dataSource, pair.ctpSource.entity.id, ticketFromCtp(closed));
      await events.publish({
        kind: SyncEventKind.TICKET_CLOSED, vendor: SECUREWORKS_CTP, subjectId: toGlobalId('Ticket', storedId),
        message: `closed CTP ticket ${ticketId} (${closeCode}): Resilient incident ${incident.id} was closed`,
        details: { ticketId, closeCode, incidentId: incident.id },
      });
      closedNow = true;
    }
  }
  // Mark the incident as in step with CTP, as the seed app's close does: its next change is not a new close.
  await patchIncident(pair.resilient, incident.id, new Map([['scwx_ctp_status', 'Closed']]), incident);
  return closedNow;
}

/** Resolution summaries are rich text; CTP worklogs are plain. */
export function stripHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
