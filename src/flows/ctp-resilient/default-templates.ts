/**
 * The shipped templates, equivalent to IBM fn_secureworks_ctp's three (vendor notes B5). Jinja syntax, so a
 * seed-app user can bring theirs; rendered with the CTP ticket as context. String values are JSON-escaped
 * before rendering (a quote or backslash in a ticket no longer breaks the JSON, unlike the seed app), so a
 * template writes `"{{ symptomDescription }}"` and gets valid JSON; numbers go in unquoted.
 */
export const DEFAULT_ESCALATE_TEMPLATE = `{
  "name": "Secureworks CTP Incident - for Ticket ID {{ ticketId }}",
  "discovered_date": {{ dateCreated }},
  "start_date": {{ dateCreated }},
  "properties": {
    "scwx_ctp_ticket_id": "{{ ticketId }}",
    "scwx_ctp_category": "{{ category }}",
    "scwx_ctp_category_class": "{{ categoryClass }}",
    "scwx_ctp_category_type": "{{ categoryType }}",
    "scwx_ctp_category_item": "{{ categoryItem }}",
    "scwx_ctp_contact_name": "{{ contact.name }}",
    "scwx_ctp_contact_id": "{{ contact.id }}",
    "scwx_ctp_date_created": {{ dateCreated }},
    "scwx_ctp_ticket_type": "{{ ticketType }}",
    "scwx_ctp_grouping_type": "{{ groupingType }}",
    "scwx_ctp_priority": "{{ priority }}",
    "scwx_ctp_request_type": "{{ requestType }}",
    "scwx_ctp_status": "{{ status }}"
  }
}
`;

export const DEFAULT_UPDATE_TEMPLATE = `{
  {# Add the incident fields a CTP change should update; each key becomes one PATCH change. #}
  "properties": {
    "scwx_ctp_contact_name": "{{ contact.name }}",
    "scwx_ctp_contact_id": "{{ contact.id }}",
    "scwx_ctp_priority": "{{ priority }}",
    "scwx_ctp_status": "{{ status }}"
  }
}
`;

export const DEFAULT_CLOSE_TEMPLATE = `{
  "plan_status": "C",
  "resolution_id": "Resolved",
  "resolution_summary": "Secureworks Ticket closed in Secureworks on {{ dateClosed | readable_datetime }}.",
  "properties": {
    "scwx_ctp_close_code": "{{ reason }}"
  }
}
`;
