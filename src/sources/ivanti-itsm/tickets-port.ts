import type { TicketData } from '../../domain/model.js';
import type { TicketsPort, VendorRecord } from '../ports.js';
import type { SourceConfig } from '../source-config.js';
import type { IvantiClient } from './client.js';
import { attachmentFromIvanti, ticketFromIncident, worklogFromJournalNote } from './map.js';
import type { IvantiIncident } from './wire.js';
import { VendorError } from '../http/vendor-error.js';

/** The settings the port reads (the manifest parses them). */
export interface IvantiTicketSettings {
  pageSize: number;
  incidentFilter: string | null;
  incidentUrlTemplate: string | null;
  ticketClose: { status: string; closeCodes: string[] };
}

/**
 * Ivanti incidents as tickets. A close is a PATCH of `Status` (with `CauseCode` = the close code and `Resolution`),
 * vendor notes §6–§7. Ivanti still accepts a PATCH of a closed (ReadOnly) incident, so the port reads it first and
 * writes nothing when it is closed already.
 */
export function ivantiTicketsPort(client: IvantiClient, source: SourceConfig, settings: IvantiTicketSettings): TicketsPort {
  const asTicket = (incident: IvantiIncident, related: Parameters<typeof ticketFromIncident>[1] = { worklogs: [], attachments: [] }): VendorRecord<TicketData> => ({
    data: ticketFromIncident(incident, related, settings.incidentUrlTemplate),
    wire: incident,
  });
  const current = async (recId: string): Promise<IvantiIncident> => {
    const incident = await client.getIncident(recId);
    if (!incident) throw new VendorError('UPSTREAM_NOT_FOUND', source.vendor, source.name, `no incident ${recId}`);
    return incident;
  };
  return {
    async *poll(since) {
      for await (const incident of client.incidentsCreatedSince(since, { pageSize: settings.pageSize, filter: settings.incidentFilter ?? undefined })) {
        yield asTicket(incident).data;
      }
    },
    async get(recId) {
      const incident = await current(recId);
      const [notes, attachments] = await Promise.all([client.listJournalNotes(incident.RecId), client.listAttachments(incident.RecId)]);
      return asTicket(incident, { worklogs: notes.map(worklogFromJournalNote), attachments: attachments.map(attachmentFromIvanti) });
    },
    async closeCodes() {
      return settings.ticketClose.closeCodes;
    },
    async close(recId, { closeCode, resolutionSummary }) {
      const incident = await current(recId);
      if (incident.ReadOnly || asTicket(incident).data.status === 'CLOSED') return asTicket(incident);
      const closed = await client.updateIncident(incident.RecId, {
        Status: settings.ticketClose.status,
        CauseCode: closeCode,
        ...(resolutionSummary ? { Resolution: resolutionSummary } : {}),
      });
      return asTicket(closed);
    },
  };
}
