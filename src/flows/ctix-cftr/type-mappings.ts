import type { DataSource } from 'typeorm';
import type { IndicatorType } from '../../domain/model.js';
import { badUserInput } from '../../domain/errors.js';
import { toIndicatorType } from '../../sources/cyware-ctix/map.js';
import { IndicatorTypeMappingEntity } from './entities/indicator-type-mapping.entity.js';
import { directSql } from '../../store/queryable.js';

/**
 * The stored CTIX IOC type → Respond threat-intel type mapping (Respond's "Map Data Fields"). Only IOCs of a
 * mapped type are linked to an incident. A CTIX type can be mapped when socgraph models its IOCs as Indicators
 * (IP, domain, URL, e-mail, MD5, SHA-1, SHA-256, SHA-512, SSDEEP): a linked IOC is an `Indicator` in our graph.
 * SHA-512 and SSDEEP are mappable but not mapped by default (the seeded defaults are the 8 first ones).
 */

/** CTIX IOC types with an Indicator type of ours, spelled as CTIX does (hash types upper-case). */
export const MAPPABLE_CTIX_TYPES = ['ipv4-addr', 'ipv6-addr', 'domain-name', 'domain', 'url', 'email-addr', 'MD5', 'SHA-1', 'SHA-256', 'SHA-512', 'SSDEEP'];

export interface TypeMapping {
  ctixType: string;
  cftrField: string;
  indicatorType: IndicatorType;
  updatedAt: Date;
}

/** Mappings by lower-cased CTIX type (CTIX spells hash types upper-case, feeds do not always). */
export type MappingTable = Map<string, TypeMapping>;

export async function listTypeMappings(dataSource: DataSource): Promise<TypeMapping[]> {
  const rows = await dataSource.getRepository(IndicatorTypeMappingEntity).find({ order: { ctixType: 'ASC' } });
  return rows.flatMap((row) => {
    const indicatorType = toIndicatorType(row.ctixType);
    return indicatorType ? [{ ctixType: row.ctixType, cftrField: row.cftrField, indicatorType, updatedAt: row.updatedAt }] : [];
  });
}

export async function mappingTable(dataSource: DataSource): Promise<MappingTable> {
  return new Map((await listTypeMappings(dataSource)).map((m) => [m.ctixType.toLowerCase(), m]));
}

export async function setTypeMapping(dataSource: DataSource, ctixType: string, cftrField: string): Promise<TypeMapping> {
  const canonical = canonicalCtixType(ctixType);
  const field = cftrField.trim();
  if (field.length === 0 || field.length > 100) throw badUserInput('cftrField: a Respond threat-intel type (1–100 characters) is required', 'input.cftrField');
  const [row] = await directSql(dataSource).query(
    `INSERT INTO indicator_type_mapping (ctix_type, cftr_field, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (ctix_type) DO UPDATE SET cftr_field = EXCLUDED.cftr_field, updated_at = now()
     RETURNING ctix_type, cftr_field, updated_at`, [canonical, field]);
  return { ctixType: row.ctix_type, cftrField: row.cftr_field, indicatorType: toIndicatorType(canonical)!, updatedAt: row.updated_at };
}

/** Removes a mapping; answers whether there was one. */
export async function removeTypeMapping(dataSource: DataSource, ctixType: string): Promise<boolean> {
  const rows = await directSql(dataSource).query('DELETE FROM indicator_type_mapping WHERE lower(ctix_type) = lower($1) RETURNING ctix_type', [ctixType.trim()]);
  return rows.length > 0;
}

function canonicalCtixType(ctixType: string): string {
  const wanted = ctixType.trim().toLowerCase();
  const canonical = MAPPABLE_CTIX_TYPES.find((t) => t.toLowerCase() === wanted);
  if (!canonical) {
    throw badUserInput(`ctixType: '${ctixType}' cannot be mapped: socgraph has no Indicator type for it. ` +
      `Mappable CTIX types: ${MAPPABLE_CTIX_TYPES.join(', ')}`, 'input.ctixType');
  }
  return canonical;
}
