import type { IncidentFields } from './store.js';

/**
 * Reads an incident create/update body as the sandbox tenant validates it, with Django REST framework's
 * field-keyed errors (`{"title": ["This field is required."]}`). Accepts the inferred create shape of the
 * vendor notes: severity as `level` or `severity`, IOCs under `threat_intel`, `iocs` or `indicators`.
 */

export const LEVELS = ['Low', 'Medium', 'High', 'Critical'];
export const STATUSES = ['Open', 'In Progress', 'Closed'];
export const THREAT_INTEL_TYPES = ['IP', 'Domain', 'URL', 'Email', 'MD5', 'SHA1', 'SHA256', 'SHA512', 'SSDEEP', 'File Hash', 'CVE'];
const INDICATOR_KEYS = ['threat_intel', 'iocs', 'indicators'];
const TEXT_FIELDS = ['title', 'description', 'phase', 'incident_type', 'assigned_to', 'assigned_group', 'source', 'external_id'] as const;
const MODEL_KEYS = new Set<string>([...TEXT_FIELDS, 'level', 'severity', 'status', 'business_unit', ...INDICATOR_KEYS]);
/** Server-owned keys a client cannot set. */
const READ_ONLY_KEYS = new Set(['unique_id', 'readable_id', 'created', 'modified']);

export type FieldErrors = Record<string, unknown>;

export interface IncidentInput {
  fields: Partial<IncidentFields>;
  threatIntel: Array<{ value: string; type: string }>;
}

export type InputOutcome = { ok: true; input: IncidentInput } | { ok: false; errors: FieldErrors };

/** `partial` (PATCH) validates only the keys given; a create needs a title and gets `Open` by default. */
export function readIncidentInput(body: unknown, partial: boolean): InputOutcome {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: { non_field_errors: ['Invalid data. Expected a dictionary.'] } };
  }
  const raw = body as Record<string, unknown>;
  const errors: FieldErrors = {};
  const fields: Partial<IncidentFields> = {};

  for (const key of TEXT_FIELDS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') errors[key] = ['Not a valid string.'];
    else fields[key] = value;
  }
  if (!partial && !fields.title) errors.title = ['This field is required.'];
  else if (fields.title !== undefined && fields.title.trim() === '') errors.title = ['This field may not be blank.'];

  const levelKey = raw.level !== undefined ? 'level' : 'severity';
  const level = raw[levelKey];
  if (level !== undefined && level !== null) {
    if (typeof level === 'string' && LEVELS.includes(level)) fields.level = level;
    else errors[levelKey] = [`"${String(level)}" is not a valid choice.`];
  }

  if (raw.status !== undefined) {
    const status = STATUSES.find((s) => typeof raw.status === 'string' && s.toLowerCase() === raw.status.toLowerCase());
    if (status) fields.status = status;
    else errors.status = [`"${String(raw.status)}" is not a valid choice.`];
  } else if (!partial) {
    fields.status = 'Open';
  }

  if (raw.business_unit !== undefined) {
    const units = raw.business_unit;
    if (Array.isArray(units) && units.every((u) => typeof u === 'string')) fields.business_unit = units;
    else errors.business_unit = ['Expected a list of items.'];
  }

  const threatIntel: IncidentInput['threatIntel'] = [];
  for (const key of INDICATOR_KEYS) {
    if (raw[key] === undefined) continue;
    const outcome = readThreatIntel(raw[key]);
    if (outcome.ok) threatIntel.push(...outcome.records);
    else errors[key] = outcome.errors;
  }

  const formFields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!MODEL_KEYS.has(key) && !READ_ONLY_KEYS.has(key)) formFields[key] = value;
  if (Object.keys(formFields).length > 0 || !partial) fields.formFields = formFields;

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input: { fields, threatIntel } };
}

/** A list of `{value, type}`; DRF reports list errors per item (`{}` for the valid ones). */
export function readThreatIntel(list: unknown): { ok: true; records: Array<{ value: string; type: string }> } | { ok: false; errors: unknown } {
  if (!Array.isArray(list)) return { ok: false, errors: ['Expected a list of items.'] };
  let failed = false;
  const itemErrors = list.map((item) => {
    const errors: FieldErrors = {};
    const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof record.value !== 'string' || record.value.trim() === '') errors.value = ['This field is required.'];
    if (typeof record.type !== 'string' || !THREAT_INTEL_TYPES.includes(record.type)) {
      errors.type = [`"${String(record.type)}" is not a valid choice.`];
    }
    if (Object.keys(errors).length > 0) failed = true;
    return errors;
  });
  if (failed) return { ok: false, errors: itemErrors };
  return { ok: true, records: (list as Array<{ value: string; type: string }>).map(({ value, type }) => ({ value, type })) };
}
