import { z } from 'zod';
import type { StoredValue } from './field-catalog.js';
import { ResilientApiError } from './resilient-error.js';
import { TICKET_ID_FIELD, type IncidentRecord, type ResilientStore } from './store.js';

const condition = z.object({ field_name: z.string(), method: z.string(), value: z.unknown().optional() });

/** QueryDTO (plus `start`/`length` for query_paged). Conditions of one filter are ANDed; filters are ORed. */
export const incidentQuery = z.looseObject({
  filters: z.array(z.object({ conditions: z.array(condition).default([]) })).default([]),
  sorts: z.array(z.object({ field_name: z.string(), type: z.enum(['asc', 'desc']).default('asc') })).default([]),
  start: z.number().int().min(0).default(0),
  length: z.number().int().min(-1).optional(), // -1 or absent: everything
});
export type IncidentQuery = z.infer<typeof incidentQuery>;
type Condition = z.infer<typeof condition>;

/** Numbers the server keeps on every incident, queryable by name. */
const SYSTEM_FIELDS = ['id', 'vers', 'create_date', 'inc_last_modified_date', 'end_date', 'creator_id'] as const;

type Comparable = string | number | boolean | number[] | null;

interface Predicate {
  test(record: IncidentRecord): boolean;
  /** Ticket IDs this condition restricts the result to, when the index can answer it. */
  ticketIds?: string[];
}

export interface QueryResult {
  total: number;
  matches: IncidentRecord[];
}

/**
 * Runs a query over the org's incidents. A condition on `properties.scwx_ctp_ticket_id` (equals/in) is answered
 * from the ticket index, so the per-ticket lookups of a sync stay O(1) however many incidents exist.
 */
export function runIncidentQuery(store: ResilientStore, query: IncidentQuery): QueryResult {
  const filters = query.filters.map((f) => f.conditions.map((c) => predicate(store, c)));
  const matches: IncidentRecord[] = [];
  for (const record of candidates(store, filters)) {
    if (filters.length === 0 || filters.some((conditions) => conditions.every((p) => p.test(record)))) matches.push(record);
  }
  const sorts = query.sorts.map((s) => ({ value: accessor(store, s.field_name), direction: s.type === 'desc' ? -1 : 1 }));
  matches.sort((a, b) => {
    for (const { value, direction } of sorts) {
      const order = compare(value(a), value(b));
      if (order !== 0) return order * direction;
    }
    return a.id - b.id;
  });
  return { total: store.size, matches };
}

export function page<T>(items: T[], query: IncidentQuery): T[] {
  const end = query.length === undefined || query.length === -1 ? undefined : query.start + query.length;
  return items.slice(query.start, end);
}

function candidates(store: ResilientStore, filters: Predicate[][]): Iterable<IncidentRecord> {
  const ticketIds = new Set<string>();
  for (const conditions of filters) {
    const indexed = conditions.find((p) => p.ticketIds);
    if (!indexed) return store.all();
    for (const id of indexed.ticketIds!) ticketIds.add(id);
  }
  if (filters.length === 0) return store.all();
  return new Set([...ticketIds].flatMap((id) => store.withTicketId(id)));
}

function predicate(store: ResilientStore, c: Condition): Predicate {
  const value = accessor(store, c.field_name);
  const expected = (input: unknown): Comparable => normalise(store, c.field_name, input);
  const list = (): Comparable[] => {
    if (!Array.isArray(c.value)) throw new ResilientApiError(400, `Condition '${c.method}' on '${c.field_name}' needs a list value`);
    return c.value.map(expected);
  };
  const isTicketField = c.field_name === `properties.${TICKET_ID_FIELD}`;
  switch (c.method) {
    case 'equals': {
      const wanted = expected(c.value);
      return { test: (r) => equals(value(r), wanted), ticketIds: isTicketField && typeof wanted === 'string' ? [wanted] : undefined };
    }
    case 'not_equals': {
      const wanted = expected(c.value);
      return { test: (r) => !equals(value(r), wanted) };
    }
    case 'in': {
      const wanted = list();
      return { test: (r) => wanted.some((w) => equals(value(r), w)), ticketIds: isTicketField ? wanted.filter((w): w is string => typeof w === 'string') : undefined };
    }
    case 'not_in': {
      const wanted = list();
      return { test: (r) => !wanted.some((w) => equals(value(r), w)) };
    }
    case 'has_a_value':
      return { test: (r) => !isEmpty(value(r)) };
    case 'does_not_have_a_value':
      return { test: (r) => isEmpty(value(r)) };
    case 'contains':
    case 'not_contains': {
      const needle = String(c.value ?? '').toLowerCase();
      const contains = (r: IncidentRecord) => String(value(r) ?? '').toLowerCase().includes(needle);
      return { test: c.method === 'contains' ? contains : (r) => !contains(r) };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (typeof c.value !== 'number') throw new ResilientApiError(400, `Condition '${c.method}' on '${c.field_name}' needs a number`);
      const bound = c.value;
      const holds = { gt: (n: number) => n > bound, gte: (n: number) => n >= bound, lt: (n: number) => n < bound, lte: (n: number) => n <= bound }[c.method];
      return { test: (r) => { const v = value(r); return typeof v === 'number' && holds(v); } };
    }
    default:
      throw new ResilientApiError(400, `Unknown condition method '${c.method}'`);
  }
}

/** Reads a field of an incident for comparison: select IDs, epoch ms, text content as its string. */
function accessor(store: ResilientStore, fieldName: string): (record: IncidentRecord) => Comparable {
  if ((SYSTEM_FIELDS as readonly string[]).includes(fieldName)) {
    const key = fieldName as (typeof SYSTEM_FIELDS)[number];
    return (record) => record[key];
  }
  const field = store.catalog.require(fieldName.replace(/^properties\./, ''));
  if ((field.prefix === 'properties') !== fieldName.startsWith('properties.')) {
    throw new ResilientApiError(400, `Unknown field name '${fieldName}'`);
  }
  return (record) => comparable(record.values[field.name]);
}

/** A condition value in stored form: select labels become IDs. */
function normalise(store: ResilientStore, fieldName: string, input: unknown): Comparable {
  const field = store.catalog.get(fieldName.replace(/^properties\./, ''));
  if (!field || input === null || input === undefined) return (input ?? null) as Comparable;
  if (field.input_type === 'multiselect') return comparable(store.catalog.toStored({ ...field, input_type: 'select' }, input));
  return comparable(store.catalog.toStored(field, input));
}

function comparable(value: StoredValue | undefined): Comparable {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value.content;
  return value;
}

function equals(actual: Comparable, wanted: Comparable): boolean {
  if (Array.isArray(actual)) return actual.includes(wanted as number);
  return actual === wanted;
}

function isEmpty(value: Comparable): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function compare(a: Comparable, b: Comparable): number {
  if (a === b) return 0;
  if (a === null) return 1; // empty values sort last
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
