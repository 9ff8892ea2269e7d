import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { IncidentEntity, TicketEntity } from '../store/entities/index.js';
import type { KeysetOptions } from '../store/paginate.js';
import type { IncidentFilter, TicketFilter } from '../schema/filters.js';
import { expectGlobalId } from '../domain/global-id.js';

/*
 * The root pages' queries (filters applied, not yet paged), shared by the resolvers and the compiled read path
 * (src/reads), so both answer from the same rows.
 */

export const INCIDENT_ORDER: KeysetOptions = { sortColumn: 'i.updated_at', keyColumn: 'i.id', direction: 'DESC' };
export const TICKET_ORDER: KeysetOptions = { sortColumn: 't.updated_at', keyColumn: 't.id', direction: 'DESC' };

export function incidentsQuery(dataSource: DataSource, filter?: IncidentFilter | null): SelectQueryBuilder<IncidentEntity> {
  const query = dataSource.getRepository(IncidentEntity).createQueryBuilder('i');
  if (filter?.sourceIds?.length) query.andWhere('i.source_id IN (:...sourceIds)', { sourceIds: filter.sourceIds.map((id) => expectGlobalId(id, 'Source', 'filter.sourceIds')) });
  if (filter?.vendor) query.andWhere('i.source_id IN (SELECT id FROM source WHERE vendor = :vendor)', { vendor: filter.vendor });
  if (filter?.statuses?.length) query.andWhere('i.status IN (:...statuses)', { statuses: filter.statuses });
  if (filter?.severities?.length) query.andWhere('i.severity IN (:...severities)', { severities: filter.severities });
  if (filter?.externalId) query.andWhere('i.external_id = :externalId', { externalId: filter.externalId });
  if (filter?.search) query.andWhere('i.title ILIKE :search', { search: `%${escapeLike(filter.search)}%` });
  if (filter?.updatedSince) query.andWhere('i.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
  return query;
}

export function ticketsQuery(dataSource: DataSource, filter?: TicketFilter | null): SelectQueryBuilder<TicketEntity> {
  const query = dataSource.getRepository(TicketEntity).createQueryBuilder('t');
  if (filter?.sourceIds?.length) query.andWhere('t.source_id IN (:...sourceIds)', { sourceIds: filter.sourceIds.map((id) => expectGlobalId(id, 'Source', 'filter.sourceIds')) });
  if (filter?.vendor) query.andWhere('t.source_id IN (SELECT id FROM source WHERE vendor = :vendor)', { vendor: filter.vendor });
  if (filter?.statuses?.length) query.andWhere('t.status IN (:...statuses)', { statuses: filter.statuses });
  if (filter?.priorities?.length) query.andWhere('t.priority IN (:...priorities)', { priorities: filter.priorities });
  if (filter?.ticketType) query.andWhere('t.ticket_type = :ticketType', { ticketType: filter.ticketType });
  if (filter?.groupingType) query.andWhere('t.grouping_type = :groupingType', { groupingType: filter.groupingType });
  if (filter?.externalId) query.andWhere('t.external_id = :externalId', { externalId: filter.externalId });
  if (filter?.search) query.andWhere('t.title ILIKE :search', { search: `%${escapeLike(filter.search)}%` });
  if (filter?.updatedSince) query.andWhere('t.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
  return query;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
