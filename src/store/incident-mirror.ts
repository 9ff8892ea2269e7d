import type { EntityManager } from 'typeorm';
import type { IncidentData } from '../domain/model.js';
import { IncidentEntity, TicketIncidentEntity } from './entities/index.js';

/** Stores a response platform's incident, keyed by (source, external id). */
export async function mirrorIncident(manager: EntityManager, sourceId: string, data: IncidentData): Promise<IncidentEntity> {
  const incidents = manager.getRepository(IncidentEntity);
  const existing = await incidents.findOne({ where: { sourceId, externalId: data.externalId } });
  return incidents.save(Object.assign(existing ?? incidents.create({ sourceId }), data));
}

/** Links a ticket to its incident on a platform; the first link wins (one incident per ticket per platform). */
export async function linkTicketToIncident(manager: EntityManager, ticketId: string, incident: IncidentEntity): Promise<IncidentEntity> {
  await manager.createQueryBuilder().insert().into(TicketIncidentEntity)
    .values({ ticketId, incidentId: incident.id, incidentSourceId: incident.sourceId })
    .orIgnore()
    .execute();
  const link = await manager.getRepository(TicketIncidentEntity).findOneOrFail({ where: { ticketId, incidentSourceId: incident.sourceId } });
  return link.incidentId === incident.id ? incident : manager.getRepository(IncidentEntity).findOneByOrFail({ id: link.incidentId });
}

/** The incident a ticket is linked to on a platform, if any. */
export async function linkedIncident(manager: EntityManager, ticketId: string, incidentSourceId: string): Promise<IncidentEntity | null> {
  const link = await manager.getRepository(TicketIncidentEntity).findOne({ where: { ticketId, incidentSourceId } });
  return link ? manager.getRepository(IncidentEntity).findOneBy({ id: link.incidentId }) : null;
}
