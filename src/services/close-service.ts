import type { DataSource } from 'typeorm';
import { DomainError } from '../domain/errors.js';
import { toGlobalId } from '../domain/global-id.js';
import type { IncidentData, TicketData } from '../domain/model.js';
import type { EventLog, SyncEventInput } from '../events/event-log.js';
import { SyncEventKind } from '../events/sync-event-kind.js';
import { manifestFor } from '../sources/index.js';
import type { IncidentCloseRequest, VendorRecord } from '../sources/ports.js';
import { IncidentEntity, TicketEntity } from '../store/entities/index.js';
import { mirrorIncident } from '../store/incident-mirror.js';
import { mirrorTicket } from '../store/ticket-mirror.js';
import type { RegisteredSource, SourceRegistry } from './source-registry.js';

/** What the close service and the flows' follow-ups work with (a part of HubServices). */
export interface CloseHub {
  dataSource: DataSource;
  sources: SourceRegistry;
  events: EventLog;
}

export interface ClosedTicket {
  hub: CloseHub;
  source: RegisteredSource;
  ticket: TicketEntity;
  closed: VendorRecord<TicketData>;
}

export interface ClosedIncident {
  hub: CloseHub;
  source: RegisteredSource;
  incident: IncidentEntity;
  closed: VendorRecord<IncidentData>;
}

/** What a flow does in the same call after a close on request (flow 1: a CTP ticket's Resilient incident, and back). */
export interface CloseFollowUp {
  /** Events pushed to `events` are published with the ticket's own close event. */
  afterTicketClosed?(closed: ClosedTicket, events: SyncEventInput[]): Promise<void>;
  afterIncidentClosed?(closed: ClosedIncident): Promise<void>;
}

/**
 * `closeTicket` and `closeIncident`: the handler is the `tickets` / `incidents` port of the record's source, so any
 * vendor declaring `close` is served (CTP, Ivanti; Resilient) and no vendor is named here. Both idempotent: a record
 * the hub holds as closed is answered as it is.
 */
export class CloseService {
  constructor(private readonly hub: CloseHub, private readonly followUps: readonly CloseFollowUp[] = []) {}

  async closeTicket(ticketUuid: string, closeCode: string, resolutionSummary: string | null): Promise<TicketEntity> {
    const tickets = this.hub.dataSource.getRepository(TicketEntity);
    const ticket = await tickets.findOne({ where: { id: ticketUuid } });
    if (!ticket) throw notFound(`no ticket ${toGlobalId('Ticket', ticketUuid)}`);
    const source = this.hub.sources.byId(ticket.sourceId);
    const port = source && this.hub.sources.port(source.config.name, 'tickets');
    if (!source || !port?.close) throw cannotClose('input.ticketId', 'tickets', source);
    if (ticket.status === 'CLOSED') return ticket;
    const codes = await port.closeCodes(ticket.externalId, ticket.closeCodes);
    if (!codes.includes(closeCode)) throw badChoice('input.closeCode', closeCode, codes, 'is not a close code here');
    const closed = await port.close(ticket.externalId, { closeCode, resolutionSummary });
    await mirrorTicket(this.hub.dataSource, ticket.sourceId, closed.data);
    const events: SyncEventInput[] = [{
      kind: SyncEventKind.TICKET_CLOSED, vendor: source.config.vendor, subjectId: toGlobalId('Ticket', ticket.id),
      message: `closed ${vendorName(source)} ticket ${ticket.externalId} (${closeCode}) on request`, details: { ticketId: ticket.externalId, closeCode },
    }];
    try {
      for (const followUp of this.followUps) await followUp.afterTicketClosed?.({ hub: this.hub, source, ticket, closed }, events);
    } finally {
      await this.hub.events.publish(events);
    }
    return tickets.findOneByOrFail({ id: ticket.id });
  }

  async closeIncident(incidentUuid: string, input: IncidentCloseRequest): Promise<IncidentEntity> {
    const incidents = this.hub.dataSource.getRepository(IncidentEntity);
    const incident = await incidents.findOne({ where: { id: incidentUuid } });
    if (!incident) throw notFound(`no incident ${toGlobalId('Incident', incidentUuid)}`);
    const source = this.hub.sources.byId(incident.sourceId);
    const port = source && this.hub.sources.port(source.config.name, 'incidents');
    if (!source || !port?.close || !port.closeOptions) throw cannotClose('input.incidentId', 'incidents', source);
    if (incident.status === 'CLOSED') return incident;
    const options = await port.closeOptions();
    if (!options.closeCodes.includes(input.closeCode)) throw badChoice('input.closeCode', input.closeCode, options.closeCodes, 'is not a close code here');
    if (!options.resolutions.includes(input.resolution)) throw badChoice('input.resolution', input.resolution, options.resolutions, 'is not a resolution');
    const closed = await port.close(incident.externalId, input);
    await mirrorIncident(this.hub.dataSource, incident.sourceId, closed.data);
    await this.hub.events.publish({
      kind: SyncEventKind.INCIDENT_CLOSED, vendor: source.config.vendor, subjectId: toGlobalId('Incident', incident.id),
      message: `closed ${vendorName(source)} incident ${incident.externalId} (${input.closeCode}) on request`,
      details: { incidentId: incident.externalId, closeCode: input.closeCode },
    });
    for (const followUp of this.followUps) await followUp.afterIncidentClosed?.({ hub: this.hub, source, incident, closed });
    return incidents.findOneByOrFail({ id: incident.id });
  }
}

function vendorName(source: RegisteredSource): string {
  return manifestFor(source.config.vendor)?.displayName ?? source.config.vendor;
}

function cannotClose(argument: string, capability: 'tickets' | 'incidents', source: RegisteredSource | undefined): DomainError {
  const what = source ? `source ${source.config.name} (${vendorName(source)})` : 'its source, which is no longer configured,';
  return new DomainError(`${argument}: ${what} cannot close ${capability}: its vendor declares no ${capability}.close capability`, {
    extensions: { code: 'BAD_USER_INPUT', argument },
  });
}

function badChoice(argument: string, value: string, valid: string[], problem: string): DomainError {
  return new DomainError(`${argument}: '${value}' ${problem}; valid: ${valid.join(', ')}`, {
    extensions: { code: 'BAD_USER_INPUT', argument, validValues: valid },
  });
}

function notFound(message: string): DomainError {
  return new DomainError(message, { extensions: { code: 'NOT_FOUND' } });
}
