import DataLoader from 'dataloader';
import { In, type DataSource, type ObjectLiteral, type EntityTarget } from 'typeorm';
import {
  AttachmentEntity, EnrichmentEntity, IncidentEntity, IncidentNoteEntity, IndicatorEntity, SightingEntity, SourceEntity,
  TicketEntity, TicketIncidentEntity, WorklogEntity,
} from '../store/entities/index.js';

/** Request-scoped batch loaders: one query per relation per request level, not one per parent (no N+1). */
export function createLoaders(dataSource: DataSource) {
  const byId = <E extends ObjectLiteral & { id: string }>(entity: EntityTarget<E>) =>
    new DataLoader<string, E | null>(async (ids) => {
      const rows = await dataSource.getRepository(entity).findBy({ id: In([...ids]) } as never);
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    });

  const groupBy = <E extends ObjectLiteral>(entity: EntityTarget<E>, column: keyof E & string, order: Record<string, 'ASC' | 'DESC'>) =>
    new DataLoader<string, E[]>(async (keys) => {
      const rows = await dataSource.getRepository(entity).find({ where: { [column]: In([...keys]) } as never, order: order as never });
      const map = new Map<string, E[]>();
      for (const row of rows) {
        const key = row[column] as string;
        if (!map.has(key)) map.set(key, []);
        map.get(key)!.push(row);
      }
      return keys.map((k) => map.get(k) ?? []);
    });

  const links = async (keys: readonly string[], from: 'ticketId' | 'incidentId') =>
    dataSource.getRepository(TicketIncidentEntity).findBy({ [from]: In([...keys]) });

  return {
    source: byId(SourceEntity),
    ticket: byId(TicketEntity),
    incident: byId(IncidentEntity),
    indicator: byId(IndicatorEntity),
    worklogsByTicket: groupBy(WorklogEntity, 'ticketId', { createdAt: 'ASC', id: 'ASC' }),
    attachmentsByTicket: groupBy(AttachmentEntity, 'ticketId', { createdAt: 'ASC', id: 'ASC' }),
    attachmentsByIncident: groupBy(AttachmentEntity, 'incidentId', { createdAt: 'ASC', id: 'ASC' }),
    notesByIncident: groupBy(IncidentNoteEntity, 'incidentId', { createdAt: 'ASC', id: 'ASC' }),
    enrichmentsByIndicator: groupBy(EnrichmentEntity, 'indicatorId', { provider: 'ASC' }),
    sightingsByIndicator: groupBy(SightingEntity, 'indicatorId', { lastSeenAt: 'DESC' }),
    incidentIdsByTicket: new DataLoader<string, string[]>(async (keys) => {
      const rows = await links(keys, 'ticketId');
      return keys.map((k) => rows.filter((r) => r.ticketId === k).map((r) => r.incidentId));
    }),
    ticketIdsByIncident: new DataLoader<string, string[]>(async (keys) => {
      const rows = await links(keys, 'incidentId');
      return keys.map((k) => rows.filter((r) => r.incidentId === k).map((r) => r.ticketId));
    }),
    /** Indicator ids sighted on a subject, key = `${subjectType}:${subjectId}`. */
    indicatorIdsBySubject: new DataLoader<string, string[]>(async (keys) => {
      const pairs = keys.map((k) => k.split(':') as [string, string]);
      const rows = await dataSource.getRepository(SightingEntity).find({
        where: pairs.map(([subjectType, subjectId]) => ({ subjectType: subjectType as never, subjectId })),
        order: { firstSeenAt: 'ASC' },
      });
      return keys.map((k) => rows.filter((r) => `${r.subjectType}:${r.subjectId}` === k).map((r) => r.indicatorId));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Loads many by id through a loader, dropping ids that no longer exist. */
export async function loadAll<T>(loader: DataLoader<string, T | null>, ids: string[]): Promise<T[]> {
  const rows = await loader.loadMany(ids);
  return rows.filter((r): r is T => r !== null && !(r instanceof Error));
}
