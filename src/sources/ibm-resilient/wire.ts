import { z } from 'zod';

/**
 * IBM Resilient / QRadar SOAR REST API shapes (vendor notes: /work/shared/vendors/ibm-resilient.md, part A).
 * Objects are parsed loosely: SOAR adds keys per version and per org, and a field DTO is written back whole.
 */

/**
 * Rich text (description, resolution_summary, comment text): an HTML string by default
 * (`text_content_output_format=always_text`), or `{format, content}` when asked for objects.
 */
export const textContent = z.union([z.string(), z.looseObject({ format: z.string(), content: z.string() })]).nullish();
export type TextContent = z.infer<typeof textContent>;

export const resilientOrg = z.looseObject({
  id: z.number(),
  name: z.string(),
  uuid: z.string().nullish(),
  cloud_account: z.string().nullish(),
  enabled: z.boolean(),
});
export type ResilientOrg = z.infer<typeof resilientOrg>;

/** `GET /rest/session`: who the key is and which orgs it may use. */
export const resilientSession = z.looseObject({ user_id: z.number().optional(), orgs: z.array(resilientOrg) });
export type ResilientSession = z.infer<typeof resilientSession>;

/** A select value: an ID, or its label with `handle_format=names`. */
const selectValue = z.union([z.number(), z.string()]).nullish();

export const resilientIncident = z.looseObject({
  id: z.number(),
  /** The optimistic-lock version a PATCH or PUT must carry. */
  vers: z.number(),
  name: z.string(),
  description: textContent,
  discovered_date: z.number().nullish(),
  create_date: z.number(),
  inc_last_modified_date: z.number().nullish(),
  end_date: z.number().nullish(),
  plan_status: z.string(), // "A" active, "C" closed
  severity_code: selectValue,
  phase_id: selectValue,
  resolution_id: selectValue,
  resolution_summary: textContent,
  properties: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? {}),
});
export type ResilientIncident = z.infer<typeof resilientIncident>;

/** `POST /incidents/query_paged`. */
export const incidentPage = z.looseObject({
  recordsTotal: z.number(),
  recordsFiltered: z.number(),
  data: z.array(resilientIncident),
});
export type IncidentPage = z.infer<typeof incidentPage>;

export const fieldFailure = z.looseObject({
  field: z.string(),
  your_original_value: z.unknown(),
  actual_current_value: z.unknown(),
});
export type FieldFailure = z.infer<typeof fieldFailure>;

/** PATCH answers 200 either way: a field conflict is `success: false` with `field_failures`, not an HTTP error. */
export const patchStatus = z.looseObject({
  success: z.boolean(),
  message: z.string().nullish(),
  field_failures: z.array(fieldFailure).nullish().transform((v) => v ?? []),
});
export type PatchStatus = z.infer<typeof patchStatus>;

export interface ResilientComment {
  id: number;
  parent_id?: number | null;
  text?: TextContent;
  create_date: number;
  user_name?: string | null;
  children: ResilientComment[];
}

/** CommentDTO; replies nest under `children`. */
export const resilientComment: z.ZodType<ResilientComment> = z.looseObject({
  id: z.number(),
  parent_id: z.number().nullish(),
  text: textContent,
  create_date: z.number(),
  user_name: z.string().nullish(),
  get children() {
    return z.array(resilientComment).nullish().transform((v) => v ?? []);
  },
});

export const resilientAttachment = z.looseObject({
  id: z.number(),
  name: z.string(),
  content_type: z.string().nullish(),
  size: z.number(),
  created: z.number().nullish(),
});
export type ResilientAttachment = z.infer<typeof resilientAttachment>;

export const selectValueDefinition = z.looseObject({
  value: z.number(),
  label: z.string(),
  enabled: z.boolean().optional(),
  hidden: z.boolean().optional(),
});

/** FieldDTO (`/types/incident/fields/{name}`); PUT sends it back whole. */
export const fieldDefinition = z.looseObject({
  id: z.number(),
  name: z.string(),
  input_type: z.string(),
  prefix: z.string().nullish(),
  required: z.string().nullish(), // null | "always" | "close"
  values: z.array(selectValueDefinition).nullish().transform((v) => v ?? []),
});
export type FieldDefinition = z.infer<typeof fieldDefinition>;

/** `GET /types/incident`. */
export const incidentType = z.looseObject({ fields: z.record(z.string(), fieldDefinition) });

// ---- What the hub writes ----

/** Rich text as written: a bare string (HTML) or an explicit format. */
export type TextContentInput = string | { format: 'text' | 'html'; content: string };
/** A select written by ID, by label, or as `{name}`; labels are portable across orgs, IDs are not. */
export type SelectInput = number | string | { name: string };

export interface NewIncident {
  name: string;
  discovered_date: number;
  start_date?: number;
  description?: TextContentInput;
  severity_code?: SelectInput;
  incident_type_ids?: SelectInput[];
  plan_status?: 'A' | 'C';
  /** Custom fields by API name. */
  properties?: Record<string, unknown>;
}

/** One PatchDTO change. `field` is the bare name, custom fields included (`scwx_ctp_status`). */
export interface FieldChange {
  field: string;
  old_value: { object: unknown };
  new_value: { object: unknown };
}

/** One PATCH change. `old_value: null` claims nothing about the current value, so it never conflicts. */
export function fieldChange(field: string, newValue: unknown, oldValue: unknown = null): FieldChange {
  return { field, old_value: { object: oldValue }, new_value: { object: newValue } };
}

export interface IncidentPatch {
  /** The incident's `vers` when it was read. */
  version: number;
  changes: FieldChange[];
}

export type QueryMethod =
  | 'equals' | 'not_equals' | 'in' | 'not_in' | 'has_a_value' | 'does_not_have_a_value' | 'contains' | 'gt' | 'gte' | 'lt' | 'lte';

export interface QueryCondition {
  /** Built-in name, or `properties.<api_name>` for a custom field. */
  field_name: string;
  method: QueryMethod;
  value?: unknown;
}

/** QueryDTO: conditions in one filter are ANDed, filters are ORed. */
export interface IncidentQuery {
  filters: { conditions: QueryCondition[] }[];
  sorts?: { field_name: string; type: 'asc' | 'desc' }[];
}
