import { z } from 'zod';

/**
 * Engine counts of the last analysis. URL/domain/IP objects carry harmless, malicious, suspicious, undetected,
 * timeout; files add hyphenated keys (`type-unsupported`, `confirmed-timeout`, `failure`), hence a record.
 */
export const vtAnalysisStats = z.record(z.string(), z.number().int().min(0).nullable());
export type VtAnalysisStats = z.infer<typeof vtAnalysisStats>;

export const vtEngineResult = z.object({
  category: z.string().nullish(),
  engine_name: z.string().nullish(),
  method: z.string().nullish(),
  result: z.string().nullish(),
  // Files only.
  engine_version: z.string().nullable().nullish(),
  engine_update: z.string().nullable().nullish(),
});
export type VtEngineResult = z.infer<typeof vtEngineResult>;

/**
 * Attributes every analysable object has. VT leaves out what it does not know or answers it `null` (`as_owner:
 * null` for an IP it knows little about), so every attribute takes either: only `id` and `type` are needed.
 * Dates are Unix seconds.
 */
const common = {
  last_analysis_stats: vtAnalysisStats.nullish(),
  last_analysis_results: z.record(z.string(), vtEngineResult).nullish(),
  last_analysis_date: z.number().int().nullish(),
  // Community score; can be negative.
  reputation: z.number().int().nullish(),
  total_votes: z.object({ harmless: z.number().int().nullish(), malicious: z.number().int().nullish() }).nullish(),
  tags: z.array(z.string().nullable()).nullish(),
  last_modification_date: z.number().int().nullish(),
};

export const vtIpAttributes = z.looseObject({
  ...common,
  as_owner: z.string().nullish(),
  asn: z.number().int().nullish(),
  country: z.string().nullish(),
  continent: z.string().nullish(),
  network: z.string().nullish(),
  regional_internet_registry: z.string().nullish(),
  whois: z.string().nullish(),
  whois_date: z.number().int().nullish(),
  jarm: z.string().nullish(),
});

export const vtDomainAttributes = z.looseObject({
  ...common,
  registrar: z.string().nullish(),
  creation_date: z.number().int().nullish(),
  last_update_date: z.number().int().nullish(),
  whois: z.string().nullish(),
  whois_date: z.number().int().nullish(),
  last_dns_records: z.array(z.object({ type: z.string().nullish(), ttl: z.number().int().nullish(), value: z.string().nullish() })).nullish(),
  last_dns_records_date: z.number().int().nullish(),
  jarm: z.string().nullish(),
  popularity_ranks: z.record(z.string(), z.object({ rank: z.number().int().nullish(), timestamp: z.number().int().nullish() }).nullable()).nullish(),
  // Vendor → category label.
  categories: z.record(z.string(), z.string().nullable()).nullish(),
});

export const vtUrlAttributes = z.looseObject({
  ...common,
  url: z.string().nullish(),
  last_final_url: z.string().nullish(),
  title: z.string().nullish(),
  first_submission_date: z.number().int().nullish(),
  last_submission_date: z.number().int().nullish(),
  times_submitted: z.number().int().nullish(),
  last_http_response_code: z.number().int().nullish(),
  categories: z.record(z.string(), z.string().nullable()).nullish(),
  threat_names: z.array(z.string().nullable()).nullish(),
  outgoing_links: z.array(z.string().nullable()).nullish(),
});

const countedLabel = z.object({ count: z.number().int().nullish(), value: z.string().nullish() });

export const vtFileAttributes = z.looseObject({
  ...common,
  // The object's id is its sha256: the hashes themselves may be missing or null like any other attribute.
  md5: z.string().nullish(),
  sha1: z.string().nullish(),
  sha256: z.string().nullish(),
  ssdeep: z.string().nullish(),
  tlsh: z.string().nullish(),
  size: z.number().int().nullish(),
  type_description: z.string().nullish(),
  type_tag: z.string().nullish(),
  meaningful_name: z.string().nullish(),
  names: z.array(z.string().nullable()).nullish(),
  first_submission_date: z.number().int().nullish(),
  last_submission_date: z.number().int().nullish(),
  times_submitted: z.number().int().nullish(),
  unique_sources: z.number().int().nullish(),
  popular_threat_classification: z.object({
    suggested_threat_label: z.string().nullish(),
    popular_threat_category: z.array(countedLabel).nullish(),
    popular_threat_name: z.array(countedLabel).nullish(),
  }).nullish(),
});

/** The `data` of an object answer: `{id, type, links: {self}, attributes}`; a URL's id is its SHA-256 form, a file's its sha256. */
function vtObject<T extends string, A extends z.ZodType>(type: T, attributes: A) {
  return z.object({ id: z.string(), type: z.literal(type), links: z.object({ self: z.string().nullish() }).nullish(), attributes: z.preprocess((a) => a ?? {}, attributes) });
}

export const vtIpAddress = vtObject('ip_address', vtIpAttributes);
export const vtDomain = vtObject('domain', vtDomainAttributes);
export const vtUrl = vtObject('url', vtUrlAttributes);
export const vtFile = vtObject('file', vtFileAttributes);

export type VtIpAddress = z.infer<typeof vtIpAddress>;
export type VtDomain = z.infer<typeof vtDomain>;
export type VtUrl = z.infer<typeof vtUrl>;
export type VtFile = z.infer<typeof vtFile>;
export type VtObject = VtIpAddress | VtDomain | VtUrl | VtFile;

export const vtError = z.object({ code: z.string(), message: z.string() });

/** Error envelope, e.g. `{"error": {"code": "NotFoundError", "message": "URL \"…\" not found"}}`. */
export interface VtErrorBody {
  error: z.infer<typeof vtError>;
}

/**
 * A look-up answer: `{data}` on 200, `{error}` on 404. One object with both optional (rather than a union) so a
 * malformed `data` is reported at its exact field.
 */
export function vtLookupAnswer<D extends z.ZodType>(data: D) {
  return z.object({ data: data.optional(), error: vtError.optional() });
}
