import type { Vendor } from '../domain/vendor.js';
import type { SourceHealthState } from '../sources/health/source-health.js';
import type {
  ApiTokenEntity, AttachmentEntity, EnrichmentEntity, IncidentEntity, IncidentNoteEntity, IndicatorEntity, JobRunEntity,
  SightingEntity, SourceEntity, SyncEventEntity, TicketEntity, WorklogEntity,
} from '../store/entities/index.js';
import { ApiToken } from './api-token.type.js';
import type { HealthStatus, IncidentStatus, IndicatorType, JobRunState, JobTrigger, Priority, Role, SightingSubjectType, SyncEventKind, TicketStatus, Verdict } from './enums.js';
import { toGlobalId } from './global-id.js';
import { Incident, IncidentNote } from './incident.type.js';
import { Enrichment, Indicator, Sighting } from './indicator.type.js';
import { JobRun } from './job.type.js';
import { Source } from './source.type.js';
import { SyncEvent } from './sync-event.type.js';
import { Attachment, Ticket, Worklog } from './ticket.type.js';

/** Entity → GraphQL object: global ids out, internal keys kept for field resolvers. */
export function presentSource(e: SourceEntity, health?: SourceHealthState): Source {
  return Object.assign(new Source(), {
    id: toGlobalId('Source', e.id), dbId: e.id, vendor: e.vendor, name: e.name, baseUrl: e.baseUrl, enabled: e.enabled,
    sandbox: e.sandbox, pollIntervalSeconds: e.pollIntervalSeconds,
    health: {
      status: (health?.status ?? e.healthStatus) as HealthStatus,
      lastSuccessAt: health?.lastSuccessAt ?? e.lastSuccessAt,
      lastErrorAt: health?.lastErrorAt ?? e.lastErrorAt,
      lastError: health?.lastError ?? e.lastError,
      consecutiveFailures: health?.consecutiveFailures ?? e.consecutiveFailures,
    },
  });
}

export function presentTicket(e: TicketEntity): Ticket {
  return Object.assign(new Ticket(), {
    id: toGlobalId('Ticket', e.id), dbId: e.id, sourceId: e.sourceId, externalId: e.externalId, url: e.url, title: e.title,
    description: e.description, status: e.status as TicketStatus, vendorStatus: e.vendorStatus, priority: e.priority as Priority,
    ticketType: e.ticketType, groupingType: e.groupingType, closeCode: e.closeCode, closeCodes: e.closeCodes ?? [],
    createdAt: e.createdAt, updatedAt: e.updatedAt, closedAt: e.closedAt, fields: e.fields,
  });
}

export function presentWorklog(e: WorklogEntity): Worklog {
  return Object.assign(new Worklog(), { id: toGlobalId('Worklog', e.id), author: e.author, type: e.type, body: e.body, createdAt: e.createdAt });
}

export function presentAttachment(e: AttachmentEntity): Attachment {
  return Object.assign(new Attachment(), {
    id: toGlobalId('Attachment', e.id), externalId: e.externalId, name: e.name, contentType: e.contentType, size: e.size, createdAt: e.createdAt,
  });
}

export function presentIncident(e: IncidentEntity): Incident {
  return Object.assign(new Incident(), {
    id: toGlobalId('Incident', e.id), dbId: e.id, sourceId: e.sourceId, externalId: e.externalId, url: e.url, title: e.title,
    description: e.description, status: e.status as IncidentStatus, severity: e.severity, phase: e.phase, resolution: e.resolution,
    resolutionSummary: e.resolutionSummary, customFields: e.customFields, createdAt: e.createdAt, updatedAt: e.updatedAt, closedAt: e.closedAt,
  });
}

export function presentIncidentNote(e: IncidentNoteEntity): IncidentNote {
  return Object.assign(new IncidentNote(), { id: toGlobalId('IncidentNote', e.id), externalId: e.externalId, body: e.body, createdAt: e.createdAt });
}

export function presentIndicator(e: IndicatorEntity): Indicator {
  return Object.assign(new Indicator(), {
    id: toGlobalId('Indicator', e.id), dbId: e.id, type: e.type as IndicatorType, value: e.value, verdict: e.verdict as Verdict,
    score: e.score, firstSeenAt: e.firstSeenAt, lastSeenAt: e.lastSeenAt,
  });
}

export function presentEnrichment(e: EnrichmentEntity): Enrichment {
  return Object.assign(new Enrichment(), {
    id: toGlobalId('Enrichment', e.id), indicatorId: e.indicatorId, provider: e.provider as Vendor, verdict: e.verdict as Verdict,
    score: e.score, summary: e.summary, details: e.details, link: e.link ?? null, notFound: e.notFound ?? false, source: e.source ?? null,
    fetchedAt: e.fetchedAt, expiresAt: e.expiresAt,
  });
}

export function presentSighting(e: SightingEntity): Sighting {
  const subjectId = e.subjectType === 'TICKET' ? toGlobalId('Ticket', e.subjectId)
    : e.subjectType === 'INCIDENT' ? toGlobalId('Incident', e.subjectId) : e.subjectId;
  return Object.assign(new Sighting(), { subjectType: e.subjectType as SightingSubjectType, subjectId, firstSeenAt: e.firstSeenAt, lastSeenAt: e.lastSeenAt });
}

export function presentSyncEvent(e: SyncEventEntity): SyncEvent {
  return Object.assign(new SyncEvent(), {
    id: toGlobalId('SyncEvent', e.cursor), kind: e.kind as SyncEventKind, at: e.at, vendor: e.vendor, subjectId: e.subjectId,
    message: e.message, details: e.details, cursor: e.cursor,
  });
}

export function presentJobRun(e: JobRunEntity): JobRun {
  return Object.assign(new JobRun(), {
    id: toGlobalId('JobRun', e.id), jobName: e.jobName, trigger: e.trigger as JobTrigger, state: e.state as JobRunState, attempt: e.attempt,
    queuedAt: e.queuedAt, startedAt: e.startedAt, finishedAt: e.finishedAt, error: e.error, output: e.output,
    progress: e.progress ? { ...(e.progress as { done: number; total: number | null; ratePerSecond: number }), updatedAt: new Date(String(e.progress.updatedAt)) } : null,
  });
}

export function presentApiToken(e: ApiTokenEntity): ApiToken {
  return Object.assign(new ApiToken(), {
    id: toGlobalId('ApiToken', e.id), name: e.name, role: e.role as Role, prefix: e.prefix, createdAt: e.createdAt,
    lastUsedAt: e.lastUsedAt, revokedAt: e.revokedAt,
  });
}
