import type { FeedWorklogs } from '../../sources/secureworks-ctp/wire.js';
import type { TicketRecord } from './store.js';

/**
 * A ticket as CTP serves it from the feed and `GET /tickets/{id}`. `worklogs` and `attachmentInfo` are always
 * present (IBM's app never acknowledges a ticket where either is missing); worklogs come newest first; dates
 * are epoch milliseconds; `availableActions` flags are the strings "true"/"false".
 */
export function ticketJson(record: TicketRecord, worklogs: FeedWorklogs = 'ALL'): Record<string, unknown> {
  const shown = worklogs === 'NONE' ? [] : worklogs === 'UPDATED' ? record.worklogs.slice(record.worklogsAtAck) : record.worklogs;
  const open = record.fields.status !== 'Closed';
  return {
    ticketId: record.ticketId,
    ticketType: record.ticketType,
    groupingType: record.groupingType,
    version: record.version,
    ...record.fields,
    dateCreated: record.dateCreated,
    dateModified: record.dateModified,
    dateClosed: record.dateClosed,
    attachmentInfo: record.attachments.map(({ id, name }) => ({ id, name })),
    availableActions: {
      addAttachment: { available: String(open) },
      addNote: { available: String(open) },
      assignToPoc: { available: String(open) },
      assignToSoc: { available: String(open) },
      close: { available: String(open && record.closeAvailable), closeCode: record.closeCodes },
    },
    worklogs: shown.slice().reverse(),
  };
}
