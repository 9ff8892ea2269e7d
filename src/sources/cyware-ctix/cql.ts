import type { IndicatorType } from '../../domain/model.js';
import { toCtixIocType } from './map.js';

/** What a threat data search can filter on; every criterion given must hold (they are AND-ed). */
export interface ThreatDataFilter {
  /** STIX types: `indicator`, `malware`, `report`, … */
  types?: string[];
  indicatorTypes?: IndicatorType[];
  tlps?: string[];
  minConfidence?: number;
  /** Objects CTIX changed at or after this instant (`ctix_modified`). */
  modifiedSince?: Date;
  /** Substring of the IOC value / object title. */
  valueContains?: string;
  tags?: string[];
}

/**
 * Builds a CQL query (`field OP "value"` clauses joined by AND; CQL evaluates left to right and allows no
 * grouping parentheses, so only AND-ed clauses are produced). An empty filter matches every object.
 */
export function threatDataQuery(filter: ThreatDataFilter): string {
  const clauses: string[] = [];
  if (filter.types?.length) clauses.push(inClause('type', filter.types));
  if (filter.indicatorTypes?.length) clauses.push(inClause('ioc_type', filter.indicatorTypes.map(toCtixIocType)));
  if (filter.tlps?.length) clauses.push(inClause('tlp', filter.tlps));
  if (filter.minConfidence !== undefined) clauses.push(`confidence_score >= ${quote(String(filter.minConfidence))}`);
  if (filter.modifiedSince) clauses.push(`ctix_modified >= ${quote(String(Math.floor(filter.modifiedSince.getTime() / 1000)))}`);
  if (filter.valueContains) clauses.push(`value CONTAINS ${quote(filter.valueContains)}`);
  if (filter.tags?.length) clauses.push(inClause('tag', filter.tags));
  // The query is required by the endpoint; "modified since the epoch" selects everything.
  return clauses.length > 0 ? clauses.join(' AND ') : 'ctix_modified >= "0"';
}

function inClause(field: string, values: string[]): string {
  return values.length === 1 ? `${field} = ${quote(values[0]!)}` : `${field} IN (${values.map(quote).join(',')})`;
}

/** CQL has no documented escape for a double quote inside a value, so such a value is refused. */
function quote(value: string): string {
  if (value.includes('"')) throw new RangeError(`CQL values cannot contain a double quote: ${value}`);
  return `"${value}"`;
}
