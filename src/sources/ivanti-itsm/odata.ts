/**
 * Building Ivanti OData `$filter` text safely: strings single-quoted with `'` doubled, numbers and booleans bare,
 * date-times bare ISO 8601 to the second (Ivanti rejects the OData v2 `datetime'…'` form), null as `'$NULL'`.
 */
export type ODataValue = string | number | boolean | Date | null;
export type ODataComparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export function odataLiteral(value: ODataValue): string {
  if (value === null) return `'$NULL'`;
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return String(value);
}

export function compare(field: string, op: ODataComparison, value: ODataValue): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw new TypeError(`'${field}' is not an Ivanti field name`);
  return `${field} ${op} ${odataLiteral(value)}`;
}

export function allOf(...clauses: string[]): string {
  return clauses.map((c) => `(${c})`).join(' and ');
}

export function anyOf(...clauses: string[]): string {
  return clauses.map((c) => `(${c})`).join(' or ');
}

/** A record key in a path, `incidents('<RecId>')`, quote-escaped and URL-safe. */
export function recordKey(recId: string): string {
  return `('${encodeURIComponent(recId.replace(/'/g, "''"))}')`;
}
