import type { DataSource } from 'typeorm';
import { IBM_RESILIENT } from '../../sources/ibm-resilient/vendor-id.js';
import { SECUREWORKS_CTP } from '../../sources/secureworks-ctp/vendor-id.js';
import type { SyncEventInput } from '../../events/event-log.js';
import type { CloseFollowUp, ClosedIncident } from '../../services/close-service.js';
import { resilientIncident } from '../../sources/ibm-resilient/wire.js';
import { ctpTicket, type CtpTicket } from '../../sources/secureworks-ctp/wire.js';
import { IncidentEntity, TicketEntity, TicketIncidentEntity } from '../../store/entities/index.js';
import { closeTicketOfIncident } from './close-tickets-from-resilient.js';
import { ctpResilientPair, type CtpResilientPair } from './ctp-resilient-pair.js';
import { CtpTicketSync } from './ticket-sync.js';

/**
 * Flow 1's part of `closeTicket` / `closeIncident` (the close itself is the vendors' ports, `CloseService`): a CTP
 * ticket closed on request closes its linked Resilient incidents from the close template, and a Resilient incident
 * closed on request closes its CTP ticket, as the seed app's rule does — in the same call, not at the next sync.
 */
export const ctpResilientCloseFollowUp: CloseFollowUp = {
  async afterTicketClosed({ hub, source, ticket, closed }, events) {
    if (source.config.vendor !== SECUREWORKS_CTP) return;
    const links = await hub.dataSource.getRepository(TicketIncidentEntity).find({ where: { ticketId: ticket.id } });
    if (links.length === 0) return;
    const pair = ctpResilientPair(hub.sources, source);
    const incidents = await hub.dataSource.getRepository(IncidentEntity)
      .find({ where: links.map((l) => ({ id: l.incidentId, sourceId: pair.resilientSource.entity.id })) });
    await closeLinkedIncidents(pair, hub.dataSource, ticket.id, ctpTicket.parse(closed.wire), incidents, events);
  },

  async afterIncidentClosed(closed) {
    if (closed.source.config.vendor !== IBM_RESILIENT) return;
    const pair = await pairOfIncident(closed);
    if (pair) await closeTicketOfIncident(pair, closed.hub.dataSource, closed.hub.events, resilientIncident.parse(closed.closed.wire));
  },
};

async function closeLinkedIncidents(
  pair: CtpResilientPair, dataSource: DataSource, ticketUuid: string, wire: CtpTicket, incidents: IncidentEntity[], events: SyncEventInput[],
): Promise<void> {
  const sync = new CtpTicketSync(pair, dataSource);
  try {
    for (const incident of incidents) {
      if (incident.status !== 'CLOSED') await sync.closeLinkedIncident(wire, ticketUuid, incident, events);
    }
  } finally {
    await sync.close();
  }
}

/** The CTP source of the incident's linked ticket, else the first CTP source; none when no CTP source is configured. */
async function pairOfIncident({ hub, incident }: ClosedIncident): Promise<CtpResilientPair | undefined> {
  const link = await hub.dataSource.getRepository(TicketIncidentEntity).findOne({ where: { incidentId: incident.id } });
  const ticket = link ? await hub.dataSource.getRepository(TicketEntity).findOneBy({ id: link.ticketId }) : null;
  const ctpSource = ticket ? hub.sources.byId(ticket.sourceId) : hub.sources.ofVendor(SECUREWORKS_CTP)[0];
  return ctpSource ? ctpResilientPair(hub.sources, ctpSource) : undefined;
}
