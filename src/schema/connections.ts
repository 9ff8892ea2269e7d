import { Connection } from './connection.js';
import { Incident, IncidentNote } from './incident.type.js';
import { Indicator } from './indicator.type.js';
import { SyncEvent } from './sync-event.type.js';
import { Ticket, Worklog } from './ticket.type.js';

export const TicketConnection = Connection(Ticket, 'Ticket');
export const IncidentConnection = Connection(Incident, 'Incident');
export const IndicatorConnection = Connection(Indicator, 'Indicator');
export const SyncEventConnection = Connection(SyncEvent, 'SyncEvent');
export const WorklogConnection = Connection(Worklog, 'Worklog');
export const IncidentNoteConnection = Connection(IncidentNote, 'IncidentNote');
