import type { IncidentData, IndicatorType } from '../../domain/model.js';
import type { CftrSettings } from './settings.js';
import type { CftrIncidentWire, CreateIncidentBody, ThreatIntelWire } from './wire.js';

/** An incident to create in Respond. */
export interface NewCftrIncident {
  title: string;
  /** HTML, as Respond renders it. */
  description?: string;
  /** `Low` | `Medium` | `High` | `Critical` on a default tenant. */
  severity?: string;
  status?: string;
  phase?: string;
  incidentType?: string;
  businessUnits?: string[];
  assignedTo?: string;
  assignedGroup?: string;
  source?: string;
  /** Our key for the incident (e.g. `ctix:report:<id>`), so a duplicate create can be recognised. */
  externalId?: string;
  /** `threatIntelType` overrides the configured `threatIntelTypes` (e.g. the hub's stored CTIX → Respond mapping). */
  indicators: Array<{ type: IndicatorType; value: string; threatIntelType?: string }>;
  /** Tenant form fields, passed as given. */
  fields?: Record<string, unknown>;
}

/** An indicator linked to a Respond incident. */
export interface IncidentIndicator {
  /** Null when Respond's type has no counterpart among ours (CVE, …). */
  type: IndicatorType | null;
  vendorType: string;
  value: string;
  externalId: string | null;
}

/** Fields of the incident model; everything else an incident carries is a tenant field. */
const CORE_FIELDS = new Set(['unique_id', 'title', 'description', 'status', 'level', 'severity', 'phase', 'created', 'modified', 'threat_intel']);

export function toCreateIncidentBody(incident: NewCftrIncident, settings: CftrSettings): CreateIncidentBody {
  const body: CreateIncidentBody = {
    ...incident.fields,
    title: incident.title,
    description: incident.description,
    [settings.severityField]: incident.severity,
    status: incident.status,
    phase: incident.phase,
    incident_type: incident.incidentType,
    business_unit: incident.businessUnits,
    assigned_to: incident.assignedTo,
    assigned_group: incident.assignedGroup,
    source: incident.source,
    external_id: incident.externalId,
  };
  if (settings.indicatorLinking === 'inline' && incident.indicators.length > 0) {
    body[settings.indicatorField] = toThreatIntelRecords(incident.indicators, settings);
  }
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as CreateIncidentBody;
}

export function toThreatIntelRecords(indicators: NewCftrIncident['indicators'], settings: CftrSettings): Array<{ value: string; type: string }> {
  return indicators.map((indicator) => ({ value: indicator.value, type: indicator.threatIntelType ?? settings.threatIntelTypes[indicator.type] }));
}

/** `urlTemplate` has `{unique_id}` replaced (see the client's `incidentUrlTemplate`). */
export function toIncidentData(wire: CftrIncidentWire, urlTemplate: string | null): IncidentData {
  const customFields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) if (!CORE_FIELDS.has(key)) customFields[key] = value;
  return {
    externalId: wire.unique_id,
    url: urlTemplate ? urlTemplate.replace('{unique_id}', encodeURIComponent(wire.unique_id)) : null,
    title: wire.title,
    description: wire.description ?? null,
    status: wire.status.toLowerCase() === 'closed' ? 'CLOSED' : 'OPEN',
    severity: wire.level ?? wire.severity ?? null,
    phase: wire.phase ?? null,
    // Resolution fields are tenant form fields on Respond; they stay in customFields.
    resolution: null,
    resolutionSummary: null,
    customFields,
    // Respond has no optimistic-concurrency version.
    version: null,
    createdAt: wire.created,
    updatedAt: wire.modified ?? wire.created,
    // Respond exposes no close timestamp in the public material.
    closedAt: null,
  };
}

export function toIncidentIndicators(wire: CftrIncidentWire, settings: CftrSettings): IncidentIndicator[] {
  return (wire.threat_intel ?? []).map((record) => ({
    type: toIndicatorType(record, settings),
    vendorType: record.type,
    value: record.value,
    externalId: record.unique_id ?? null,
  }));
}

/** Respond type → ours through the configured mapping; one Respond type may serve two of ours (IP → IPV4/IPV6). */
function toIndicatorType(record: ThreatIntelWire, settings: CftrSettings): IndicatorType | null {
  const candidates = (Object.entries(settings.threatIntelTypes) as Array<[IndicatorType, string]>)
    .filter(([, vendorType]) => vendorType.toLowerCase() === record.type.toLowerCase())
    .map(([ours]) => ours);
  if (candidates.length <= 1) return candidates[0] ?? null;
  if (candidates.includes('IPV6') && record.value.includes(':')) return 'IPV6';
  return candidates.find((type) => type !== 'IPV6') ?? candidates[0]!;
}
