import type { Vendor } from '../domain/vendor.js';
import type { SourceHealthState } from '../sources/health/source-health.js';
import type { VendorManifest } from '../sources/manifest.js';
import type { CapabilityName } from '../sources/ports.js';
import type {
  ApiTokenEntity, AttachmentEntity, EnrichmentEntity, IncidentEntity, IncidentNoteEntity, IndicatorEntity, JobRunEntity,
  SightingEntity, SourceEntity, SyncEventEntity, TicketEntity, WorklogEntity,
} from '../store/entities/index.js';
import { ApiToken } from './api-token.type.js';
import type { HealthStatus, IncidentStatus, IndicatorType, JobRunState, JobTrigger, Priority, Role, SightingSubjectType, SyncEventKind, TicketStatus, Verdict } from './enums.js';
import { toGlobalId } from '../domain/global-id.js';
import { Incident, IncidentNote } from './incident.type.js';
import { Enrichment, Indicator, Sighting } from './indicator.type.js';
import { JobRun } from './job.type.js';
import { Source } from './source.type.js';
import { SyncEvent } from './sync-event.type.js';
import { Attachment, Ticket, Worklog } from './ticket.type.js';
import { VendorCapability, VendorDescription } from './vendor.type.js';

/**
 * Entity → GraphQL object: global ids out, internal keys kept for field resolvers. The hot read types are filled in
 * place (one object per row, not a literal copied into an instance).
 */
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
  const t = new Ticket();
  t.id = toGlobalId('Ticket', e.id); t.dbId = e.id; t.sourceId = e.sourceId; t.externalId = e.externalId; t.url = e.url; t.title = e.title;
  t.description = e.description; t.status = e.status as TicketStatus; t.vendorStatus = e.vendorStatus; t.priority = e.priority as Priority;
  t.ticketType = e.ticketType; t.groupingType = e.groupingType; t.closeCode = e.closeCode; t.closeCodes = e.closeCodes ?? [];
  t.createdAt = e.createdAt; t.updatedAt = e.updatedAt; t.closedAt = e.closedAt; t.fields = e.fields;
  return t;
}

export function presentWorklog(e: WorklogEntity): Worklog {
  const w = new Worklog();
  w.id = toGlobalId('Worklog', e.id); w.author = e.author; w.type = e.type; w.body = e.body; w.createdAt = e.createdAt;
  return w;
}

export function presentAttachment(e: AttachmentEntity): Attachment {
  const a = new Attachment();
  a.id = toGlobalId('Attachment', e.id); a.externalId = e.externalId; a.name = e.name; a.contentType = e.contentType; a.size = e.size;
  a.createdAt = e.createdAt;
  return a;
}

export function presentIncident(e: IncidentEntity): Incident {
  const i = new Incident();
  i.id = toGlobalId('Incident', e.id); i.dbId = e.id; i.sourceId = e.sourceId; i.externalId = e.externalId; i.url = e.url; i.title = e.title;
  i.description = e.description; i.status = e.status as IncidentStatus; i.severity = e.severity; i.phase = e.phase; i.resolution = e.resolution;
  i.resolutionSummary = e.resolutionSummary; i.customFields = e.customFields; i.createdAt = e.createdAt; i.updatedAt = e.updatedAt;
  i.closedAt = e.closedAt;
  return i;
}

export function presentIncidentNote(e: IncidentNoteEntity): IncidentNote {
  const n = new IncidentNote();
  n.id = toGlobalId('IncidentNote', e.id); n.externalId = e.externalId; n.body = e.body; n.createdAt = e.createdAt;
  return n;
}

export function presentIndicator(e: IndicatorEntity): Indicator {
  const x = new Indicator();
  x.id = toGlobalId('Indicator', e.id); x.dbId = e.id; x.type = e.type as IndicatorType; x.value = e.value; x.verdict = e.verdict as Verdict;
  x.score = e.score; x.firstSeenAt = e.firstSeenAt; x.lastSeenAt = e.lastSeenAt;
  return x;
}

export function presentEnrichment(e: EnrichmentEntity): Enrichment {
  const r = new Enrichment();
  r.id = toGlobalId('Enrichment', e.id); r.indicatorId = e.indicatorId; r.provider = e.provider as Vendor; r.verdict = e.verdict as Verdict;
  r.score = e.score; r.summary = e.summary; r.details = e.details; r.link = e.link ?? null; r.notFound = e.notFound ?? false;
  r.source = e.source ?? null; r.fetchedAt = e.fetchedAt; r.expiresAt = e.expiresAt;
  return r;
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
    lastUsedAt: e.lastUsedAt, revokedAt: e.revokedAt, expiresAt: e.expiresAt,
  });
}

/** Each manifest capability key's enum value, in the order the field lists them (a new key fails the typecheck here). */
const CAPABILITIES: Record<CapabilityName, VendorCapability> = {
  tickets: VendorCapability.TICKETS,
  incidents: VendorCapability.INCIDENTS,
  threatIntel: VendorCapability.THREAT_INTEL,
  enrich: VendorCapability.ENRICH,
};

/** A registered manifest as the `vendors` query lists it. */
export function presentVendor(manifest: VendorManifest): VendorDescription {
  const declared = manifest.capabilities as Partial<Record<CapabilityName, unknown>>;
  return Object.assign(new VendorDescription(), {
    id: manifest.vendor,
    displayName: manifest.displayName,
    capabilities: (Object.keys(CAPABILITIES) as CapabilityName[]).filter((name) => declared[name] !== undefined).map((name) => CAPABILITIES[name]),
  });
}
