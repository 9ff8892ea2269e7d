import type { AttachmentData, Priority, TicketData, TicketStatus, WorklogData } from '../../domain/model.js';
import type { CtpAttachmentInfo, CtpTicket, CtpWorklog } from './wire.js';

/**
 * CTP statuses seen in the wild: New, Active, Queued, Pending, Resolved, Closed. Like IBM's app, both
 * Resolved and Closed count as closed, and anything unknown counts as open.
 */
const STATUS: Record<string, TicketStatus> = {
  New: 'OPEN',
  Queued: 'OPEN', // waiting in the SOC's queue, nobody on it yet
  Active: 'IN_PROGRESS',
  Pending: 'PENDING', // waiting on the customer
  Resolved: 'CLOSED',
  Closed: 'CLOSED',
};

const PRIORITIES = new Set<Priority>(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

export function ticketStatusFromCtp(status: string): TicketStatus {
  return STATUS[status] ?? 'OPEN';
}

export function isClosedCtpStatus(status: string): boolean {
  return ticketStatusFromCtp(status) === 'CLOSED';
}

/** Identity of a worklog within its ticket: CTP gives worklogs no id, so `dateCreated` + `type` stands in. */
export function worklogKey(worklog: Pick<CtpWorklog, 'dateCreated' | 'type'>): string {
  return `${worklog.dateCreated}:${worklog.type}`;
}

export function ticketFromCtp(ticket: CtpTicket): TicketData {
  const { worklogs, ...fields } = ticket;
  const status = ticketStatusFromCtp(ticket.status);
  const priority = (ticket.priority ?? '').toUpperCase() as Priority;
  return {
    externalId: ticket.ticketId,
    url: null, // CTP's portal links are not part of the API
    title: ticket.symptomDescription || ticket.ticketId,
    description: ticket.detailedDescription ?? null,
    status,
    vendorStatus: ticket.status,
    priority: PRIORITIES.has(priority) ? priority : 'UNKNOWN',
    ticketType: ticket.ticketType ?? null,
    groupingType: ticket.groupingType ?? null,
    // `reason` also carries auto-close reasons on open tickets; it is a close code only once closed.
    closeCode: status === 'CLOSED' ? ticket.reason ?? null : null,
    closeCodes: ticket.availableActions?.close?.closeCode ?? null,
    version: ticket.version,
    createdAt: new Date(ticket.dateCreated),
    updatedAt: new Date(ticket.dateModified ?? ticket.dateCreated),
    closedAt: ticket.dateClosed === null ? null : new Date(ticket.dateClosed),
    fields,
    worklogs: worklogs.map(worklogFromCtp),
    attachments: ticket.attachmentInfo.map(attachmentFromCtp),
  };
}

export function worklogFromCtp(worklog: CtpWorklog): WorklogData {
  return {
    externalKey: worklogKey(worklog),
    author: worklog.createdBy ?? null,
    type: worklog.type,
    body: worklog.description,
    createdAt: new Date(worklog.dateCreated),
  };
}

export function attachmentFromCtp(info: CtpAttachmentInfo): AttachmentData {
  return { externalId: info.id, name: info.name };
}
