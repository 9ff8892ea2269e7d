import type { TicketsPort } from '../ports.js';
import type { SecureworksCtpClient } from './client.js';
import { isClosedCtpStatus, ticketFromCtp } from './map.js';

/**
 * CTP tickets. Close codes are per ticket (`availableActions.close.closeCode`, else `GET …/close-codes`); a close is
 * `POST …/close` with the resolution as its closing worklog, skipped when the ticket is Resolved or Closed already.
 * Ticket polling is the flow's acknowledged feed (`fetchUpdates` + `acknowledge`), not offered here.
 */
export function ctpTicketsPort(client: SecureworksCtpClient): TicketsPort {
  return {
    async get(ticketId) {
      const wire = await client.getTicket(ticketId, { includeWorklogs: true });
      return { data: ticketFromCtp(wire), wire };
    },
    async closeCodes(ticketId, known) {
      return known?.length ? known : client.listCloseCodes(ticketId);
    },
    async close(ticketId, { closeCode, resolutionSummary }) {
      const current = await client.getTicket(ticketId, { includeWorklogs: false });
      if (!isClosedCtpStatus(current.status)) {
        await client.closeTicket(ticketId, { closeCode, ...(resolutionSummary ? { worklogContent: resolutionSummary } : {}) });
      }
      const closed = await client.getTicket(ticketId, { includeWorklogs: true });
      return { data: ticketFromCtp(closed), wire: closed };
    },
  };
}
