/**
 * The two dashboard shapes of the read bench, written for each server: the hub's GraphQL, PostGraphile's GraphQL over
 * the same tables (aliased to the hub's field names; `pgToHub` moves its relation wrappers to the hub's shape), and
 * the floor's single SQL statement (bench/read/floor.ts). Answers are compared after `canonical` (ids → keys,
 * timestamps → ISO), which is the identity on the hub's and the floor's answers but for the id encoding.
 */
export type ShapeName = 'Dash' | 'Tix';

const INCIDENT_FIELDS = 'id externalId title status severity phase createdAt updatedAt closedAt';
const TICKET_FIELDS = 'id externalId title status vendorStatus priority ticketType createdAt updatedAt closedAt';
const WORKLOG_FIELDS = 'id author type body createdAt';
const ATTACHMENT_FIELDS = 'id externalId name contentType size createdAt';

export function hubQuery(shape: ShapeName, first: number): string {
  if (shape === 'Dash') {
    return `{ incidents(first: ${first}) { nodes { ${INCIDENT_FIELDS} source { name vendor }
      tickets { ${TICKET_FIELDS} worklogs { nodes { ${WORKLOG_FIELDS} } } attachments { ${ATTACHMENT_FIELDS} } }
      attachments { ${ATTACHMENT_FIELDS} }
      notes { nodes { id externalId body createdAt } }
      indicators { id type value verdict score enrichments { id provider verdict score summary } } } } }`;
  }
  return `{ tickets(first: ${first}) { nodes { ${TICKET_FIELDS}
    worklogs { nodes { ${WORKLOG_FIELDS} } } attachments { ${ATTACHMENT_FIELDS} } incidents { ${INCIDENT_FIELDS} } } } }`;
}

export function postgraphileQuery(shape: ShapeName, first: number): string {
  const worklogs = `worklogs: worklogsByTicketId(orderBy: [CREATED_AT_ASC, ID_ASC]) { nodes { ${WORKLOG_FIELDS} } }`;
  const ticketAttachments = `attachments: attachmentsByTicketId(orderBy: [CREATED_AT_ASC, ID_ASC]) { nodes { ${ATTACHMENT_FIELDS} } }`;
  if (shape === 'Dash') {
    return `{ incidents: allIncidents(first: ${first}, orderBy: [UPDATED_AT_DESC, ID_DESC]) { nodes { ${INCIDENT_FIELDS}
      source: sourceBySourceId { name vendor }
      tickets: ticketIncidentsByIncidentId(orderBy: [CREATED_AT_ASC, TICKET_ID_ASC]) { nodes { ticket: ticketByTicketId {
        ${TICKET_FIELDS} ${worklogs} ${ticketAttachments} } } }
      attachments: attachmentsByIncidentId(orderBy: [CREATED_AT_ASC, ID_ASC]) { nodes { ${ATTACHMENT_FIELDS} } }
      notes: incidentNotesByIncidentId(orderBy: [CREATED_AT_ASC, ID_ASC]) { nodes { id externalId body createdAt } }
      indicators { nodes { id type value verdict score enrichments: enrichmentsByIndicatorId(orderBy: [PROVIDER_ASC]) {
        nodes { id provider verdict score summary } } } } } } }`;
  }
  return `{ tickets: allTickets(first: ${first}, orderBy: [UPDATED_AT_DESC, ID_DESC]) { nodes { ${TICKET_FIELDS} ${worklogs} ${ticketAttachments}
    incidents: ticketIncidentsByTicketId(orderBy: [CREATED_AT_ASC, INCIDENT_ID_ASC]) { nodes { incident: incidentByIncidentId { ${INCIDENT_FIELDS} } } } } } }`;
}

type Json = any;

/** PostGraphile's answer in the hub's shape: plain lists where the hub has lists, link rows unwrapped. */
export function pgToHub(shape: ShapeName, data: Json): Json {
  const nodes = (c: Json) => c.nodes;
  const ticket = (t: Json) => ({ ...t, attachments: nodes(t.attachments) });
  if (shape === 'Dash') {
    return {
      incidents: {
        nodes: data.incidents.nodes.map((i: Json) => ({
          ...i,
          tickets: i.tickets.nodes.map((l: Json) => ticket(l.ticket)),
          attachments: nodes(i.attachments),
          indicators: i.indicators.nodes.map((x: Json) => ({ ...x, enrichments: nodes(x.enrichments) })),
        })),
      },
    };
  }
  return { tickets: { nodes: data.tickets.nodes.map((t: Json) => ({ ...ticket(t), incidents: t.incidents.nodes.map((l: Json) => l.incident) })) } };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Ids to their database keys, timestamps to ISO-8601 UTC with milliseconds, keys sorted: comparable answers. */
export function canonical(value: Json, key?: string): Json {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k], k)]));
  }
  if (typeof value === 'string') {
    if (key === 'id' && !/^[0-9a-f-]{36}$/.test(value)) {
      const decoded = Buffer.from(value, 'base64url').toString('utf8');
      return decoded.slice(decoded.indexOf(':') + 1);
    }
    if (ISO.test(value)) return new Date(value).toISOString();
  }
  return value;
}
