import { ApiTokenEntity } from './api-token.entity.js';
import { AttachmentEntity } from './attachment.entity.js';
import { EnrichmentEntity } from './enrichment.entity.js';
import { EnrichmentQuotaSlotEntity } from './enrichment-quota-slot.entity.js';
import { EnrichmentQuotaEntity } from './enrichment-quota.entity.js';
import { IncidentNoteEntity } from './incident-note.entity.js';
import { IncidentEntity } from './incident.entity.js';
import { IndicatorEntity } from './indicator.entity.js';
import { JobRunEntity } from './job-run.entity.js';
import { JobStateEntity } from './job-state.entity.js';
import { SightingEntity } from './sighting.entity.js';
import { SourceEntity } from './source.entity.js';
import { SyncEventEntity } from './sync-event.entity.js';
import { TicketIncidentEntity } from './ticket-incident.entity.js';
import { TicketEntity } from './ticket.entity.js';
import { WorklogEntity } from './worklog.entity.js';

export {
  EnrichmentQuotaEntity, EnrichmentQuotaSlotEntity,
  ApiTokenEntity, AttachmentEntity, EnrichmentEntity, IncidentNoteEntity, IncidentEntity, IndicatorEntity,
  JobRunEntity, JobStateEntity, SightingEntity, SourceEntity, SyncEventEntity, TicketIncidentEntity, TicketEntity,
  WorklogEntity,
};

/** The hub's own entities; each flow declares its own (src/flows/<flow>/entities/). */
export const coreEntities = [
  EnrichmentQuotaEntity, EnrichmentQuotaSlotEntity,
  ApiTokenEntity, AttachmentEntity, EnrichmentEntity, IncidentNoteEntity, IncidentEntity, IndicatorEntity,
  JobRunEntity, JobStateEntity, SightingEntity, SourceEntity, SyncEventEntity, TicketIncidentEntity, TicketEntity,
  WorklogEntity,
];
