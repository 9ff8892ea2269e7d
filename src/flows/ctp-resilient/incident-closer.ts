import { toGlobalId } from '../../domain/global-id.js';
import { IBM_RESILIENT } from '../../sources/ibm-resilient/vendor-id.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import type { ResilientIncident } from '../../sources/ibm-resilient/wire.js';
import type { CtpTicket } from '../../sources/secureworks-ctp/wire.js';
import type { StoredIncident } from '../../store/incident-mirror.js';
import type { Queryable } from '../../store/queryable.js';
import { markCloseHandled } from './close-handled.js';
import type { CtpResilientPair } from './ctp-resilient-pair.js';
import { changesFrom, patchIncident } from '../../sources/ibm-resilient/incident-patcher.js';

/** Closes a ticket's Resilient incident the way the sync does: the close template, a valid close code, handled. */
export class IncidentCloser {
  /** Labels of Resilient's close-code select, read once per run. */
  private closeCodes: Promise<Set<string>> | null = null;

  constructor(
    private readonly pair: CtpResilientPair,
    private readonly sql: Queryable,
    /** Stores the incident as Resilient now has it, linked to the ticket. */
    private readonly recordIncident: (ticketId: string, remote: ResilientIncident) => Promise<StoredIncident>,
  ) {}

  /**
   * A ticket closed in CTP closes its incident from the close template. `scwx_ctp_status` is set to the
   * ticket's status, which tells the Resilient→CTP direction that this close came from CTP (no loop).
   */
  async close(wire: CtpTicket, ticketId: string, incident: StoredIncident, remote: ResilientIncident, events: SyncEventInput[]): Promise<void> {
    const changes = changesFrom(this.pair.templates.render('close', wire));
    changes.set('scwx_ctp_status', wire.status);
    const closeCodes = await this.validCloseCodes();
    const code = changes.get('scwx_ctp_close_code');
    if (typeof code !== 'string' || !closeCodes.has(code)) {
      const fallback = this.pair.settings.defaultCloseCode;
      changes.set('scwx_ctp_close_code', fallback);
      events.push({
        kind: SyncEventKind.SYNC_WARNING, vendor: IBM_RESILIENT, subjectId: toGlobalId('Incident', incident.id),
        message: `CTP ticket ${wire.ticketId} closed with reason '${code ?? ''}', not a Resilient close code; closed incident ${incident.externalId} with '${fallback}'`,
        details: { ticketId: wire.ticketId, reason: code ?? null, usedCloseCode: fallback },
      });
    }
    const closed = await patchIncident(this.pair.resilient, Number(incident.externalId), changes, remote);
    await this.recordIncident(ticketId, closed.incident);
    // The hub caused this close: the Resilient→CTP close pass must never act on it.
    await markCloseHandled(this.sql, incident.id, true);
    events.push({
      kind: SyncEventKind.INCIDENT_CLOSED, vendor: IBM_RESILIENT, subjectId: toGlobalId('Incident', incident.id),
      message: `closed Resilient incident ${incident.externalId}: CTP ticket ${wire.ticketId} is ${wire.status}`,
      details: { incidentId: incident.externalId, ticketId: wire.ticketId, closeCode: changes.get('scwx_ctp_close_code') },
    });
  }

  private validCloseCodes(): Promise<Set<string>> {
    this.closeCodes ??= this.pair.resilient.getIncidentField('scwx_ctp_close_code')
      .then((field) => new Set(field.values.filter((v) => v.enabled !== false).map((v) => v.label)))
      .catch((error: unknown) => {
        this.closeCodes = null;
        throw error;
      });
    return this.closeCodes;
  }
}
