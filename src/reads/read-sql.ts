/*
 * What the compiled read path (compile-read.ts) knows of the graph: for each object type it compiles, the SQL
 * expression of each field's JSON value over a row alias, and how each relation finds its rows. The values are the ones
 * the resolver path gives: global ids (base64url of `Type:key`), timestamps as ISO-8601 UTC with milliseconds (pg and
 * to_char's MS both truncate microseconds), enum values as stored, and each relation in its loader's order. A field not
 * listed here (computed or runtime fields such as Source.health, Indicator.sightings) makes the whole operation take
 * the resolver path.
 */

/** The JSON value of a column or an expression, over the row alias `a`. */
type Column = (a: string) => string;

export interface Relation {
  type: string;
  /** one: an object or null; list: an array; connection: { nodes, totalCount } with `first` (no `after`). */
  shape: 'one' | 'list' | 'connection';
  /** FROM … WHERE … of the child rows (alias `c`, link alias `l`) of the parent row `p`. */
  from: (c: string, p: string, l: string) => string;
  /** The ORDER BY expressions of the child rows (the loader's order). */
  order?: (c: string, l: string) => string[];
}

export interface TypeSql {
  /** The table a root page joins back to by id. */
  table: string;
  columns: Record<string, Column>;
  relations: Record<string, Relation>;
}

export const globalId = (type: string): Column => (a) =>
  `translate(encode(convert_to('${type}:' || ${a}.id, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
const timestamp = (column: string): Column => (a) => `to_char(${a}.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const plain = (column: string): Column => (a) => `${a}.${column}`;

const sightedOn = (subjectType: 'TICKET' | 'INCIDENT'): Relation => ({
  type: 'Indicator', shape: 'list',
  from: (c, p, l) => `sighting ${l} JOIN indicator ${c} ON ${c}.id = ${l}.indicator_id WHERE ${l}.subject_type = '${subjectType}' AND ${l}.subject_id = ${p}.id::text`,
  order: (_c, l) => [`${l}.first_seen_at`, `${l}.id`],
});
const attachmentsOf = (column: string): Relation => ({
  type: 'Attachment', shape: 'list', from: (c, p) => `attachment ${c} WHERE ${c}.${column} = ${p}.id`, order: (c) => [`${c}.created_at`, `${c}.id`],
});
const sourceOf: Relation = { type: 'Source', shape: 'one', from: (c, p) => `source ${c} WHERE ${c}.id = ${p}.source_id` };

export const TYPES: Record<string, TypeSql> = {
  Incident: {
    table: 'incident',
    columns: {
      id: globalId('Incident'), externalId: plain('external_id'), url: plain('url'), title: plain('title'), description: plain('description'),
      status: plain('status'), severity: plain('severity'), phase: plain('phase'), resolution: plain('resolution'),
      resolutionSummary: plain('resolution_summary'), customFields: plain('custom_fields'), createdAt: timestamp('created_at'),
      updatedAt: timestamp('updated_at'), closedAt: timestamp('closed_at'),
    },
    relations: {
      source: sourceOf,
      tickets: {
        type: 'Ticket', shape: 'list', from: (c, p, l) => `ticket_incident ${l} JOIN ticket ${c} ON ${c}.id = ${l}.ticket_id WHERE ${l}.incident_id = ${p}.id`,
        order: (_c, l) => [`${l}.created_at`, `${l}.ticket_id`],
      },
      attachments: attachmentsOf('incident_id'),
      notes: { type: 'IncidentNote', shape: 'connection', from: (c, p) => `incident_note ${c} WHERE ${c}.incident_id = ${p}.id`, order: (c) => [`${c}.created_at`, `${c}.id`] },
      indicators: sightedOn('INCIDENT'),
    },
  },
  Ticket: {
    table: 'ticket',
    columns: {
      id: globalId('Ticket'), externalId: plain('external_id'), url: plain('url'), title: plain('title'), description: plain('description'),
      status: plain('status'), vendorStatus: plain('vendor_status'), priority: plain('priority'), ticketType: plain('ticket_type'),
      groupingType: plain('grouping_type'), closeCode: plain('close_code'), closeCodes: (a) => `coalesce(${a}.close_codes, '[]'::jsonb)`,
      createdAt: timestamp('created_at'), updatedAt: timestamp('updated_at'), closedAt: timestamp('closed_at'), fields: plain('fields'),
    },
    relations: {
      source: sourceOf,
      worklogs: { type: 'Worklog', shape: 'connection', from: (c, p) => `worklog ${c} WHERE ${c}.ticket_id = ${p}.id`, order: (c) => [`${c}.created_at`, `${c}.id`] },
      attachments: attachmentsOf('ticket_id'),
      incidents: {
        type: 'Incident', shape: 'list', from: (c, p, l) => `ticket_incident ${l} JOIN incident ${c} ON ${c}.id = ${l}.incident_id WHERE ${l}.ticket_id = ${p}.id`,
        order: (_c, l) => [`${l}.created_at`, `${l}.incident_id`],
      },
      indicators: sightedOn('TICKET'),
    },
  },
  Worklog: {
    table: 'worklog',
    columns: { id: globalId('Worklog'), author: plain('author'), type: plain('type'), body: plain('body'), createdAt: timestamp('created_at') },
    relations: {},
  },
  Attachment: {
    table: 'attachment',
    columns: {
      id: globalId('Attachment'), externalId: plain('external_id'), name: plain('name'), contentType: plain('content_type'), size: plain('size'),
      createdAt: timestamp('created_at'),
    },
    relations: {},
  },
  IncidentNote: {
    table: 'incident_note',
    columns: { id: globalId('IncidentNote'), externalId: plain('external_id'), body: plain('body'), createdAt: timestamp('created_at') },
    relations: {},
  },
  Indicator: {
    table: 'indicator',
    columns: {
      id: globalId('Indicator'), type: plain('type'), value: plain('value'), verdict: plain('verdict'), score: plain('score'),
      firstSeenAt: timestamp('first_seen_at'), lastSeenAt: timestamp('last_seen_at'),
    },
    relations: {
      enrichments: { type: 'Enrichment', shape: 'list', from: (c, p) => `enrichment ${c} WHERE ${c}.indicator_id = ${p}.id`, order: (c) => [`${c}.provider`] },
    },
  },
  Enrichment: {
    table: 'enrichment',
    columns: {
      id: globalId('Enrichment'), provider: plain('provider'), source: plain('source'), verdict: plain('verdict'), score: plain('score'),
      summary: plain('summary'), details: plain('details'), link: plain('link'), notFound: (a) => `coalesce(${a}.not_found, false)`,
      fetchedAt: timestamp('fetched_at'), expiresAt: timestamp('expires_at'),
    },
    relations: {
      indicator: { type: 'Indicator', shape: 'one', from: (c, p) => `indicator ${c} WHERE ${c}.id = ${p}.indicator_id` },
    },
  },
  // Source.health and Source.quota are the hub's runtime state: not compiled.
  Source: {
    table: 'source',
    columns: {
      id: globalId('Source'), name: plain('name'), vendor: plain('vendor'), baseUrl: plain('base_url'), enabled: plain('enabled'),
      sandbox: plain('sandbox'), pollIntervalSeconds: plain('poll_interval_seconds'),
    },
    relations: {},
  },
};
