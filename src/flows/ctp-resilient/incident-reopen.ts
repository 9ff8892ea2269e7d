import { IBM_RESILIENT } from '../../sources/ibm-resilient/vendor-id.js';
import type { SyncEventInput } from '../../events/event-log.js';
import { CtpResilientEventKind } from './event-kinds.js';
import { toGlobalId } from '../../domain/global-id.js';
import type { ResilientIncident } from '../../sources/ibm-resilient/wire.js';
import type { CtpTicket } from '../../sources/secureworks-ctp/wire.js';
import type { Queryable } from '../../store/queryable.js';
import { isCloseHandled, markCloseHandled } from './close-handled.js';

/**
 * An open CTP ticket on a closed incident whose close is in step already (the ticket was reopened in CTP after it,
 * or is a new ticket reusing the id of an incident closed long ago, found by search and not linked yet): that old
 * close must never close the ticket. With `reopenIncidents` the incident is reopened (`plan_status` A added to the
 * update's changes; answers true); without, it stays closed and its close is marked handled. A close not yet
 * handled happened in Resilient just now: it is left for the close pass to take to CTP (answers false).
 */
export async function planReopen(db: Queryable, incident: { uuid: string; linked: boolean }, remote: ResilientIncident,
  reopenIncidents: boolean, changes: Map<string, unknown>): Promise<boolean> {
  if (remote.plan_status !== 'C') return false;
  if (incident.linked && !await isCloseHandled(db, incident.uuid)) return false;
  if (!reopenIncidents) {
    await markCloseHandled(db, incident.uuid, true);
    return false;
  }
  changes.set('plan_status', 'A');
  return true;
}

/** After the reopening PATCH landed: the incident's next close is a new one. */
export async function reopened(db: Queryable, incidentUuid: string, incidentId: number, wire: CtpTicket): Promise<SyncEventInput> {
  await markCloseHandled(db, incidentUuid, false);
  return {
    kind: CtpResilientEventKind.INCIDENT_REOPENED, vendor: IBM_RESILIENT, subjectId: toGlobalId('Incident', incidentUuid),
    message: `reopened Resilient incident ${incidentId}: CTP ticket ${wire.ticketId} is ${wire.status}`,
    details: { incidentId, ticketId: wire.ticketId, status: wire.status },
  };
}
