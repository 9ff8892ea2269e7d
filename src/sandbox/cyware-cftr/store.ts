import { randomUUID } from 'node:crypto';
import { QuotaCounter, type QuotaDecision } from '../kit/index.js';

/** In-memory state of the Respond sandbox. Timestamps are ISO strings, as the observed tenant answers them. */

export interface CftrIncident {
  unique_id: string;
  readable_id: string;
  title: string;
  description: string | null;
  level: string | null;
  status: string;
  phase: string | null;
  incident_type: string | null;
  business_unit: string[];
  assigned_to: string | null;
  assigned_group: string | null;
  source: string | null;
  external_id: string | null;
  created: string;
  modified: string;
  /** Tenant form fields (anything beyond the model), echoed back as given. */
  formFields: Record<string, unknown>;
}

export interface ThreatIntelRecord {
  unique_id: string;
  value: string;
  type: string;
  created: string;
}

export type IncidentFields = Omit<CftrIncident, 'unique_id' | 'readable_id' | 'created' | 'modified'>;

export interface CftrSandboxSettings {
  /** Per-credential budget; beyond it Respond answers 429 (no rate-limit headers). Undefined = unlimited. */
  rateLimitPerMinute?: number;
  /** Simulator-only: a second create with the same external_id → 409, so tests can detect duplicate creation. */
  rejectDuplicateExternalId: boolean;
  /** The tenant's clock minus real time, in seconds (signature checks use the tenant's clock). */
  clockSkewSeconds: number;
  /** Simulator-only: the next N creates are carried out, then answered 502 (an answer lost after the fact). */
  loseCreateAnswers: number;
  /** How: a 502, or silence until the connection is dropped (10 s), as a client timeout sees it. */
  loseCreateAnswersAs: '502' | 'timeout';
}

const DEFAULT_SETTINGS: CftrSandboxSettings = { rejectDuplicateExternalId: true, clockSkewSeconds: 0, loseCreateAnswers: 0, loseCreateAnswersAs: '502' };
const FIRST_READABLE_ID = 100;

export class CftrStore {
  incidents = new Map<string, CftrIncident>();
  threatIntel = new Map<string, ThreatIntelRecord>();
  /** incident unique_id → linked threat-intel unique_ids, in link order. */
  private links = new Map<string, string[]>();
  /** `type|value` → threat-intel unique_id: one record per IOC, shared by the incidents it is linked to. */
  private intelByValue = new Map<string, string>();
  private nextReadable = FIRST_READABLE_ID;
  /** Per-AccessID request budgets (limits from `settings.rateLimitPerMinute`). */
  private quotas = new Map<string, QuotaCounter>();
  settings: CftrSandboxSettings = { ...DEFAULT_SETTINGS };

  reset(): void {
    this.incidents.clear();
    this.threatIntel.clear();
    this.links.clear();
    this.intelByValue.clear();
    this.nextReadable = FIRST_READABLE_ID;
    this.settings = { ...DEFAULT_SETTINGS };
    this.quotas.clear();
  }

  /** Counts one request of an access id against the per-minute budget. */
  takeQuota(accessId: string): QuotaDecision {
    let quota = this.quotas.get(accessId);
    if (!quota) this.quotas.set(accessId, (quota = new QuotaCounter()));
    quota.limits = { perMinute: this.settings.rateLimitPerMinute };
    return quota.take();
  }

  /** Creates an incident (model defaults for what is not given) and links its threat intel. */
  createIncident(fields: Partial<IncidentFields> & { title: string }, threatIntel: Array<{ value: string; type: string }> = [], createdAt = new Date()): CftrIncident {
    const at = createdAt.toISOString();
    const incident: CftrIncident = {
      description: null, level: null, status: 'Open', phase: null, incident_type: null, business_unit: [], assigned_to: null,
      assigned_group: null, source: null, external_id: null, formFields: {},
      ...fields,
      unique_id: randomUUID(), readable_id: `INC${this.nextReadable++}`, created: at, modified: at,
    };
    this.incidents.set(incident.unique_id, incident);
    this.link(incident.unique_id, threatIntel.map(({ value, type }) => this.addThreatIntel(value, type).unique_id));
    return incident;
  }

  updateIncident(incident: CftrIncident, changes: Partial<IncidentFields>): CftrIncident {
    const { formFields, ...model } = changes;
    Object.assign(incident, model, { modified: new Date().toISOString() });
    if (formFields) Object.assign(incident.formFields, formFields);
    return incident;
  }

  byExternalId(externalId: string): CftrIncident | undefined {
    for (const incident of this.incidents.values()) if (incident.external_id === externalId) return incident;
    return undefined;
  }

  addThreatIntel(value: string, type: string): ThreatIntelRecord {
    const key = `${type}|${value}`;
    const existing = this.intelByValue.get(key);
    if (existing) return this.threatIntel.get(existing)!;
    const record = { unique_id: randomUUID(), value, type, created: new Date().toISOString() };
    this.threatIntel.set(record.unique_id, record);
    this.intelByValue.set(key, record.unique_id);
    return record;
  }

  link(incidentId: string, threatIntelIds: string[]): number {
    const linked = this.links.get(incidentId) ?? [];
    const added = threatIntelIds.filter((id) => !linked.includes(id));
    this.links.set(incidentId, [...linked, ...added]);
    return added.length;
  }

  linkedThreatIntel(incidentId: string): ThreatIntelRecord[] {
    return (this.links.get(incidentId) ?? []).map((id) => this.threatIntel.get(id)!);
  }
}
