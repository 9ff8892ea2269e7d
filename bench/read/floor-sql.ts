import type { ShapeName } from './shapes.js';

/**
 * The floor of the read bench: each shape's whole answer (the hub's JSON, global ids and ISO timestamps included)
 * built by one hand-written SQL statement (json_build_object, json_agg over correlated subqueries) and sent as the
 * text PostgreSQL returns. $1 = first; the page is cut before the nested lists are built.
 */
const gid = (type: string, column: string) => `translate(encode(convert_to('${type}:' || ${column}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
const ts = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const list = (select: string) => `coalesce((${select}), '[]'::json)`;

const incident = (i: string) => `'id', ${gid('Incident', `${i}.id`)}, 'externalId', ${i}.external_id, 'title', ${i}.title, 'status', ${i}.status,
  'severity', ${i}.severity, 'phase', ${i}.phase, 'createdAt', ${ts(`${i}.created_at`)}, 'updatedAt', ${ts(`${i}.updated_at`)},
  'closedAt', ${ts(`${i}.closed_at`)}`;
const attachments = (column: string, owner: string) => list(`SELECT json_agg(json_build_object('id', ${gid('Attachment', 'a.id')},
  'externalId', a.external_id, 'name', a.name, 'contentType', a.content_type, 'size', a.size, 'createdAt', ${ts('a.created_at')})
  ORDER BY a.created_at, a.id) FROM attachment a WHERE a.${column} = ${owner}`);
const ticket = (t: string) => `'id', ${gid('Ticket', `${t}.id`)}, 'externalId', ${t}.external_id, 'title', ${t}.title, 'status', ${t}.status,
  'vendorStatus', ${t}.vendor_status, 'priority', ${t}.priority, 'ticketType', ${t}.ticket_type, 'createdAt', ${ts(`${t}.created_at`)},
  'updatedAt', ${ts(`${t}.updated_at`)}, 'closedAt', ${ts(`${t}.closed_at`)},
  'worklogs', json_build_object('nodes', ${list(`SELECT json_agg(json_build_object('id', ${gid('Worklog', 'w.id')}, 'author', w.author,
    'type', w.type, 'body', w.body, 'createdAt', ${ts('w.created_at')}) ORDER BY w.created_at, w.id) FROM worklog w WHERE w.ticket_id = ${t}.id`)}),
  'attachments', ${attachments('ticket_id', `${t}.id`)}`;

const DASH = `WITH page AS (SELECT i.updated_at, i.id, json_build_object(${incident('i')},
    'source', (SELECT json_build_object('name', s.name, 'vendor', s.vendor) FROM source s WHERE s.id = i.source_id),
    'tickets', ${list(`SELECT json_agg(json_build_object(${ticket('t')}) ORDER BY l.created_at, l.ticket_id)
      FROM ticket_incident l JOIN ticket t ON t.id = l.ticket_id WHERE l.incident_id = i.id`)},
    'attachments', ${attachments('incident_id', 'i.id')},
    'notes', json_build_object('nodes', ${list(`SELECT json_agg(json_build_object('id', ${gid('IncidentNote', 'n.id')}, 'externalId', n.external_id,
      'body', n.body, 'createdAt', ${ts('n.created_at')}) ORDER BY n.created_at, n.id) FROM incident_note n WHERE n.incident_id = i.id`)}),
    'indicators', ${list(`SELECT json_agg(json_build_object('id', ${gid('Indicator', 'x.id')}, 'type', x.type, 'value', x.value,
      'verdict', x.verdict, 'score', x.score, 'enrichments', ${list(`SELECT json_agg(json_build_object('id', ${gid('Enrichment', 'e.id')},
        'provider', e.provider, 'verdict', e.verdict, 'score', e.score, 'summary', e.summary) ORDER BY e.provider)
        FROM enrichment e WHERE e.indicator_id = x.id`)}) ORDER BY s.first_seen_at, s.id)
      FROM sighting s JOIN indicator x ON x.id = s.indicator_id WHERE s.subject_type = 'INCIDENT' AND s.subject_id = i.id::text`)}
  ) AS j FROM (SELECT * FROM incident ORDER BY updated_at DESC, id DESC LIMIT $1) i)
SELECT json_build_object('data', json_build_object('incidents', json_build_object('nodes',
  ${list('SELECT json_agg(page.j ORDER BY page.updated_at DESC, page.id DESC) FROM page')})))::text AS body`;

const TIX = `WITH page AS (SELECT t.updated_at, t.id, json_build_object(${ticket('t')},
    'incidents', ${list(`SELECT json_agg(json_build_object(${incident('i')}) ORDER BY l.created_at, l.incident_id)
      FROM ticket_incident l JOIN incident i ON i.id = l.incident_id WHERE l.ticket_id = t.id`)}
  ) AS j FROM (SELECT * FROM ticket ORDER BY updated_at DESC, id DESC LIMIT $1) t)
SELECT json_build_object('data', json_build_object('tickets', json_build_object('nodes',
  ${list('SELECT json_agg(page.j ORDER BY page.updated_at DESC, page.id DESC) FROM page')})))::text AS body`;

export function floorSql(shape: ShapeName): string {
  return shape === 'Dash' ? DASH : TIX;
}
