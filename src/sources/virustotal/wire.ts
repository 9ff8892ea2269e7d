import { z } from 'zod';

/**
 * Engine counts of the last analysis. URL/domain/IP objects carry harmless, malicious, suspicious, undetected,
 * timeout; files add hyphenated keys (`type-unsupported`, `confirmed-timeout`, `failure`), hence a record.
 */
export const vtAnalysisStats = z.record(z.string(), z.number().int().min(0));
export type VtAnalysisStats = z.infer<typeof vtAnalysisStats>;

export const vtEngineResult = z.object({
  category: z.string(),
  engine_name: z.string(),
  method: z.string().optional(),
  result: z.string().nullable(),
  // Files only.
  engine_version: z.string().nullable().optional(),
  engine_update: z.string().nullable().optional(),
});
export type VtEngineResult = z.infer<typeof vtEngineResult>;

/** Attributes every analysable object has. VT leaves out what it does not know, so all are optional. Dates are Unix seconds. */
const common = {
  last_analysis_stats: vtAnalysisStats.optional(),
  last_analysis_results: z.record(z.string(), vtEngineResult).optional(),
  last_analysis_date: z.number().int().optional(),
  // Community score; can be negative.
  reputation: z.number().int().optional(),
  total_votes: z.object({ harmless: z.number().int(), malicious: z.number().int() }).optional(),
  tags: z.array(z.string()).optional(),
  last_modification_date: z.number().int().optional(),
};

export const vtIpAttributes = z.looseObject({
  ...common,
  as_owner: z.string().optional(),
  asn: z.number().int().optional(),
  country: z.string().optional(),
  continent: z.string().optional(),
  network: z.string().optional(),
  regional_internet_registry: z.string().optional(),
  whois: z.string().optional(),
  whois_date: z.number().int().optional(),
  jarm: z.string().optional(),
});

export const vtDomainAttributes = z.looseObject({
  ...common,
  registrar: z.string().optional(),
  creation_date: z.number().int().optional(),
  last_update_date: z.number().int().optional(),
  whois: z.string().optional(),
  whois_date: z.number().int().optional(),
  last_dns_records: z.array(z.object({ type: z.string(), ttl: z.number().int(), value: z.string() })).optional(),
  last_dns_records_date: z.number().int().optional(),
  jarm: z.string().optional(),
  popularity_ranks: z.record(z.string(), z.object({ rank: z.number().int(), timestamp: z.number().int() })).optional(),
  // Vendor → category label.
  categories: z.record(z.string(), z.string()).optional(),
});

export const vtUrlAttributes = z.looseObject({
  ...common,
  url: z.string().optional(),
  last_final_url: z.string().optional(),
  title: z.string().optional(),
  first_submission_date: z.number().int().optional(),
  last_submission_date: z.number().int().optional(),
  times_submitted: z.number().int().optional(),
  last_http_response_code: z.number().int().optional(),
  categories: z.record(z.string(), z.string()).optional(),
  threat_names: z.array(z.string()).optional(),
  outgoing_links: z.array(z.string()).optional(),
});

const countedLabel = z.object({ count: z.number().int(), value: z.string() });

export const vtFileAttributes = z.looseObject({
  ...common,
  md5: z.string(),
  sha1: z.string(),
  sha256: z.string(),
  ssdeep: z.string().optional(),
  tlsh: z.string().optional(),
  size: z.number().int().optional(),
  type_description: z.string().optional(),
  type_tag: z.string().optional(),
  meaningful_name: z.string().optional(),
  names: z.array(z.string()).optional(),
  first_submission_date: z.number().int().optional(),
  last_submission_date: z.number().int().optional(),
  times_submitted: z.number().int().optional(),
  unique_sources: z.number().int().optional(),
  popular_threat_classification: z.object({
    suggested_threat_label: z.string().optional(),
    popular_threat_category: z.array(countedLabel).optional(),
    popular_threat_name: z.array(countedLabel).optional(),
  }).optional(),
});

/** The `data` of an object answer: `{id, type, links: {self}, attributes}`; a URL's id is its SHA-256 form, a file's its sha256. */
function vtObject<T extends string, A extends z.ZodType>(type: T, attributes: A) {
  return z.object({ id: z.string(), type: z.literal(type), links: z.object({ self: z.string() }), attributes });
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
