import type { IncidentQuery } from './wire.js';

/** The custom field IBM's fn_secureworks_ctp app links an incident to its CTP ticket with. */
export const CTP_TICKET_ID_FIELD = 'scwx_ctp_ticket_id';

/** Incidents linked to a CTP ticket, newest first; `activeOnly` is IBM's own lookup (`plan_status = A`). */
export function incidentsForTicket(ticketId: string, options: { activeOnly?: boolean } = {}): IncidentQuery {
  return {
    filters: [{
      conditions: [
        { field_name: `properties.${CTP_TICKET_ID_FIELD}`, method: 'equals', value: ticketId },
        ...(options.activeOnly ? [{ field_name: 'plan_status', method: 'equals' as const, value: 'A' }] : []),
      ],
    }],
    sorts: [{ field_name: 'create_date', type: 'desc' }],
  };
}

/** Ticket-linked incidents changed at or after `sinceMs`, any status, oldest change first (a poll cursor). */
export function ticketIncidentsModifiedSince(sinceMs: number): IncidentQuery {
  return {
    filters: [{
      conditions: [
        { field_name: 'inc_last_modified_date', method: 'gte', value: sinceMs },
        { field_name: `properties.${CTP_TICKET_ID_FIELD}`, method: 'has_a_value' },
      ],
    }],
    sorts: [{ field_name: 'inc_last_modified_date', type: 'asc' }],
  };
}
