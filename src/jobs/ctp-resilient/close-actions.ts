import { DomainError } from '../../domain/errors.js';
import { Vendor } from '../../domain/vendor.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import type { HubServices } from '../../services/hub-services.js';
import { toGlobalId } from '../../domain/global-id.js';
import { incidentFromResilient } from '../../sources/ibm-resilient/map.js';
import { ticketFromCtp } from '../../sources/secureworks-ctp/map.js';
import type { CtpTicket } from '../../sources/secureworks-ctp/wire.js';
import { IncidentEntity, TicketEntity, TicketIncidentEntity } from '../../store/entities/index.js';
import { mirrorIncident } from '../../store/incident-mirror.js';
import { mirrorTicket } from '../../store/ticket-mirror.js';
import { closeTicketOfIncident } from '../../flows/ctp-resilient/close-tickets-from-resilient.js';
import { ctpResilientPair, type CtpResilientPair } from '../../flows/ctp-resilient/ctp-resilient-pair.js';
import { patchIncident } from '../../flows/ctp-resilient/incident-patcher.js';
import { CtpTicketSync } from '../../flows/ctp-resilient/ticket-sync.js';

/** The automation side of the flow: close a CTP ticket, or a Resilient incident, on request. Both idempotent. */
export class CtpResilientCloseActions {
  constructor(private readonly hub: Omit<HubServices, 'jobs'>) {}

  /** Closes a CTP ticket with one of its close codes, then its linked Resilient incident (from the close template). */
  async closeTicket(ticketUuid: string, closeCode: string, resolutionSummary: string | null): Promise<TicketEntity> {
    const tickets = this.hub.dataSource.getRepository(TicketEntity);
    const ticket = await tickets.findOne({ where: { id: ticketUuid } });
    if (!ticket) throw notFound(`no ticket ${toGlobalId('Ticket', ticketUuid)}`);
    const pair = this.pairForTicket(ticket);
    if (ticket.status === 'CLOSED') return ticket;
    const codes = ticket.closeCodes?.length ? ticket.closeCodes : await pair.ctp.listCloseCodes(ticket.externalId);
    if (!codes.includes(closeCode)) throw badCloseCode(closeCode, codes, 'input.closeCode');
    const current = await pair.ctp.getTicket(ticket.externalId, { includeWorklogs: false });
    if (current.status !== 'Closed' && current.status !== 'Resolved') {
      await pair.ctp.closeTicket(ticket.externalId, { closeCode, ...(resolutionSummary ? { worklogContent: resolutionSummary } : {}) });
    }
    const closed = await pair.ctp.getTicket(ticket.externalId, { includeWorklogs: true });
    await mirrorTicket(this.hub.dataSource, ticket.sourceId, ticketFromCtp(closed));
    const events: SyncEventInput[] = [{
      kind: SyncEventKind.TICKET_CLOSED, vendor: Vendor.SECUREWORKS_CTP, subjectId: toGlobalId('Ticket', ticket.id),
      message: `closed CTP ticket ${ticket.externalId} (${closeCode}) on request`, details: { ticketId: ticket.externalId, closeCode },
    }];
    try {
      await this.closeLinkedIncidents(pair, ticket.id, closed, events);
    } finally {
      await this.hub.events.publish(events);
    }
    return tickets.findOneByOrFail({ id: ticket.id });
  }

  /** In the same call as the ticket's close, not at the next sync (up to a poll interval later). */
  private async closeLinkedIncidents(pair: CtpResilientPair, ticketUuid: string, wire: CtpTicket, events: SyncEventInput[]): Promise<void> {
    const links = await this.hub.dataSource.getRepository(TicketIncidentEntity).find({ where: { ticketId: ticketUuid } });
    if (links.length === 0) return;
    const incidents = await this.hub.dataSource.getRepository(IncidentEntity).find({ where: links.map((l) => ({ id: l.incidentId, sourceId: pair.resilientSource.entity.id })) });
    const sync = new CtpTicketSync(pair, this.hub.dataSource);
    try {
      for (const incident of incidents) {
        if (incident.status !== 'CLOSED') await sync.closeLinkedIncident(wire, ticketUuid, incident, events);
      }
    } finally {
      await sync.close();
    }
  }

  /** Closes a Resilient incident (close code, resolution, summary) and then its CTP ticket, as the seed app's rule does. */
  async closeIncident(incidentUuid: string, input: { closeCode: string; resolution: string; resolutionSummary: string }): Promise<IncidentEntity> {
    const incidents = this.hub.dataSource.getRepository(IncidentEntity);
    const incident = await incidents.findOne({ where: { id: incidentUuid } });
    if (!incident) throw notFound(`no incident ${toGlobalId('Incident', incidentUuid)}`);
    const pair = await this.pairForIncident(incident);
    if (incident.status === 'CLOSED') return incident;
    const field = await pair.resilient.getIncidentField('scwx_ctp_close_code');
    const codes = field.values.filter((v) => v.enabled !== false).map((v) => v.label);
    if (!codes.includes(input.closeCode)) throw badCloseCode(input.closeCode, codes, 'input.closeCode');
    const resolutions = (await pair.resilient.getIncidentField('resolution_id')).values.map((v) => v.label);
    if (!resolutions.includes(input.resolution)) {
      throw new DomainError(`input.resolution: '${input.resolution}' is not a resolution; valid: ${resolutions.join(', ')}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'input.resolution', validValues: resolutions } });
    }
    const { incident: closed } = await patchIncident(pair.resilient, Number(incident.externalId), new Map<string, unknown>([
      ['plan_status', 'C'], ['resolution_id', input.resolution], ['resolution_summary', input.resolutionSummary], ['scwx_ctp_close_code', input.closeCode],
    ]));
    await mirrorIncident(this.hub.dataSource, incident.sourceId, incidentFromResilient(closed, pair.resilientSource.config.baseUrl));
    await this.hub.events.publish({
      kind: SyncEventKind.INCIDENT_CLOSED, vendor: Vendor.IBM_RESILIENT, subjectId: toGlobalId('Incident', incident.id),
      message: `closed Resilient incident ${incident.externalId} (${input.closeCode}) on request`, details: { incidentId: incident.externalId, closeCode: input.closeCode },
    });
    await closeTicketOfIncident(pair, this.hub.dataSource, this.hub.events, closed);
    return incidents.findOneByOrFail({ id: incident.id });
  }

  private pairForTicket(ticket: TicketEntity): CtpResilientPair {
    const source = this.hub.sources.byId(ticket.sourceId);
    if (source?.config.vendor !== Vendor.SECUREWORKS_CTP) {
      throw new DomainError('input.ticketId: only Secureworks CTP tickets can be closed by this mutation', { extensions: { code: 'BAD_USER_INPUT', argument: 'input.ticketId' } });
    }
    return ctpResilientPair(this.hub.sources, source);
  }

  private async pairForIncident(incident: IncidentEntity): Promise<CtpResilientPair> {
    const source = this.hub.sources.byId(incident.sourceId);
    if (source?.config.vendor !== Vendor.IBM_RESILIENT) {
      throw new DomainError('input.incidentId: only IBM Resilient incidents can be closed by this mutation', { extensions: { code: 'BAD_USER_INPUT', argument: 'input.incidentId' } });
    }
    const link = await this.hub.dataSource.getRepository(TicketIncidentEntity).findOne({ where: { incidentId: incident.id } });
    const ticket = link ? await this.hub.dataSource.getRepository(TicketEntity).findOneBy({ id: link.ticketId }) : null;
    const ctpSource = ticket ? this.hub.sources.byId(ticket.sourceId) : this.hub.sources.ofVendor(Vendor.SECUREWORKS_CTP)[0];
    if (!ctpSource) throw new DomainError('no Secureworks CTP source is configured', { extensions: { code: 'FAILED_PRECONDITION' } });
    return ctpResilientPair(this.hub.sources, ctpSource);
  }
}

function badCloseCode(code: string, valid: string[], argument: string): DomainError {
  return new DomainError(`${argument}: '${code}' is not a close code here; valid: ${valid.join(', ')}`, {
    extensions: { code: 'BAD_USER_INPUT', argument, validValues: valid },
  });
}

function notFound(message: string): DomainError {
  return new DomainError(message, { extensions: { code: 'NOT_FOUND' } });
}
