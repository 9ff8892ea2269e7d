import { z } from 'zod';

/**
 * Intel Exchange (CTIX v3) JSON as it really is. Unknown keys are tolerated (stripped): tenants add fields
 * over versions, and some fixtures even carry a literal `"null": []` key.
 */

/** Epoch seconds: integers on tenants, floats on saved-result-set rows, strings in some reference examples. */
export const epochSeconds = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]);

/** Scores are numbers on tenants but strings such as "72.81" in investigation node props. */
const score = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]);

/**
 * The list envelope. `next`/`previous` are RELATIVE to the API root (no leading slash, host or auth params),
 * e.g. `ingestion/threat-data/list/?page=2&page_size=10`, or null.
 */
export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.object({
    next: z.string().nullish(),
    previous: z.string().nullish(),
    page_size: z.coerce.number().optional(),
    total: z.coerce.number().optional(),
    results: z.array(item),
  });
}
export type ListEnvelope<T> = { next?: string | null; previous?: string | null; page_size?: number; total?: number; results: T[] };

const sourceRef = z.object({ id: z.string(), name: z.string(), source_type: z.string().nullish() });
const tagRef = z.object({ id: z.string(), name: z.string() });

const threatDataFields = {
  type: z.string(),
  /** "value" on list items; the IOC type (e.g. "ipv4-addr") on the basic detail. */
  sub_type: z.string().nullish(),
  /** STIX-ish IOC type: `ipv4-addr`, `domain-name`, …; hash types are upper-case (`MD5`, `SHA-256`). */
  ioc_type: z.string().nullish(),
  indicator_type: z.string().nullish(),
  name: z.string(),
  confidence_score: z.number().nullish(),
  analyst_score: z.number().nullish(),
  tlp: z.string().nullish(),
  analyst_tlp: z.string().nullish(),
  source_confidence: z.string().nullish(),
  created: epochSeconds.nullish(),
  modified: epochSeconds.nullish(),
  ctix_created: epochSeconds.nullish(),
  ctix_modified: epochSeconds.nullish(),
  valid_from: epochSeconds.nullish(),
  valid_until: epochSeconds.nullish(),
  is_deprecated: z.boolean().nullish(),
  is_false_positive: z.boolean().nullish(),
  is_whitelisted: z.boolean().nullish(),
  sources: z.array(sourceRef).nullish(),
  tags: z.array(tagRef).nullish(),
};

/** An item of `POST ingestion/threat-data/list/`. */
export const threatDataSchema = z.object({ id: z.string(), ...threatDataFields });
export type ThreatDataWire = z.infer<typeof threatDataSchema>;
export const threatDataPageSchema = listEnvelope(threatDataSchema);

/** `GET ingestion/threat-data/{type}/{id}/basic/`: the body has NO `id`; the caller keeps the id it asked for. */
export const threatDataDetailSchema = z.object({
  ...threatDataFields,
  attribute_field: z.string().nullish(),
  attribute_value: z.string().nullish(),
  pattern: z.string().nullish(),
  description: z.string().nullish(),
});
export type ThreatDataDetailWire = z.infer<typeof threatDataDetailSchema>;

/** An item of `GET ingestion/threat-data/{type}/{id}/relations/` (shape beyond §4.1 fields is inferred). */
export const relatedObjectSchema = threatDataSchema.extend({ relationship_type: z.string().nullish() });
export type RelatedObjectWire = z.infer<typeof relatedObjectSchema>;
export const relatedObjectPageSchema = listEnvelope(relatedObjectSchema);

/** `GET ingestion/canvas/` items; `created_by` is an object on details and sometimes a string on lists. */
export const canvasSchema = z.object({
  id: z.string(),
  name: z.string(),
  shared_type: z.string().nullish(),
  created: epochSeconds.nullish(),
  modified: epochSeconds.nullish(),
  created_by: z.unknown().optional(),
});
export type CanvasWire = z.infer<typeof canvasSchema>;
export const canvasPageSchema = listEnvelope(canvasSchema);

/**
 * A canvas node (`GET ingestion/canvas/nodes/{id}/`): `t` is the label shown, `prop` the object's fields
 * (§4.1 names, plus `label`, `identifier`, `parent_type`, and in older payloads `tlp_data`, `score`).
 */
export const canvasNodeSchema = z.object({
  id: z.string(),
  t: z.string(),
  type: z.string(),
  u: z.string().nullish(),
  prop: z.looseObject({
    id: z.string().nullish(),
    stix_object_id: z.string().nullish(),
    parent_type: z.string().nullish(),
    type: z.string().nullish(),
    ioc_type: z.string().nullish(),
    indicator_type: z.string().nullish(),
    label: z.string().nullish(),
    tlp: z.string().nullish(),
    tlp_data: z.string().nullish(),
    confidence_score: score.nullish(),
    score: score.nullish(),
    ctix_created: epochSeconds.nullish(),
    ctix_modified: epochSeconds.nullish(),
    created: epochSeconds.nullish(),
    modified: epochSeconds.nullish(),
  }),
});
export type CanvasNodeWire = z.infer<typeof canvasNodeSchema>;
export const canvasNodePageSchema = listEnvelope(canvasNodeSchema);

/**
 * A threat data object a bulletin's detail lists inline (`objects`). Notes §8 document neither this nor
 * `report_id`, so only the id is relied on: an entry without its type and name is read in full by its type.
 */
export const inlineBulletinObjectSchema = z.looseObject({
  id: z.string(),
  type: z.string().nullish(),
  name: z.string().nullish(),
});
export type InlineBulletinObjectWire = z.infer<typeof inlineBulletinObjectSchema>;

/**
 * A threat bulletin (`conversion/threat-bulletin/`). Its threat data objects are listed either through
 * `report_id` (the report object the bulletin published: its relations) or inline in the detail (`objects`), or
 * both; neither is documented (notes §8), so both are accepted.
 */
export const bulletinSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  tlp: z.string().nullish(),
  report_id: z.string().nullish(),
  objects: z.array(inlineBulletinObjectSchema).nullish(),
  description: z.string().nullish(),
  created: epochSeconds.nullish(),
  modified: epochSeconds.nullish(),
});
export type BulletinWire = z.infer<typeof bulletinSchema>;
export const bulletinPageSchema = listEnvelope(bulletinSchema);

/** 201 of a bulletin create: docs show `name` (not `title`) and ISO datetimes there, so only the id is relied on. */
export const createdBulletinSchema = z.object({ id: z.string() });

/** The answer of every asynchronous creation. */
export const taskAcceptedSchema = z.object({ details: z.string().nullish(), task_id: z.string() });
export type TaskAcceptedWire = z.infer<typeof taskAcceptedSchema>;

/** `GET conversion/quick-intel/receive-report/?task_id=`: CREATED|SUCCESS done, FAILED|ERROR failed, else pending. */
export const taskReportSchema = z.object({ report_id: z.string().nullish(), report_status: z.string() });
export type TaskReportWire = z.infer<typeof taskReportSchema>;

export const ingestBundleResultSchema = z.object({ success: z.boolean(), message: z.string().nullish() });

export const pingSchema = z.object({ result: z.string() });

/** Body of `POST conversion/quick-intel/create-stix/` (one value per indicator key, as Cyware's own action sends). */
export interface QuickIntelBody {
  context: 'QUICK_ADD_INTEL_FLOW';
  title: string;
  /** Keys: `ipv4-addr`, `ipv6-addr`, `domain`, `url`, `email`, `md5`, `sha1`, `sha256`, … */
  indicators: Record<string, string>;
  metadata: { tlp: string; default_marking_definition?: string; tags?: string[]; is_apply_all?: boolean; confidence?: number; description?: string; valid_until?: string };
  create_intel_feed: boolean;
}

/** Body of `POST conversion/quick-intel/open-api/`. IOC keys: ipv4, ipv6, domain, url, email_address, md5, sha1, sha256, … */
export interface OpenApiIntelBody {
  title: string;
  source?: string;
  collection?: string;
  metadata: { confidence?: number; tlp?: string; labels?: string[]; description?: string };
  all_sdos: { all_iocs: Record<string, Array<{ value: string; description?: string }>> };
}

/** Body of `POST ingestion/ingestion-api/ingest_bundle/`: by ids, or by names. */
export type IngestBundleBody =
  | { source_id: string; source_type: string; collection_id?: string; bundle: StixBundle }
  | { source_name?: string; collection_name?: string; bundle: StixBundle };

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: Array<Record<string, unknown> & { type: string; id: string }>;
}

/** Body of `POST conversion/threat-bulletin/`. */
export interface CreateBulletinBody {
  title: string;
  description?: string;
  status?: 'CREATED' | 'DRAFT';
  tlp?: string;
}
