import { z } from 'zod';

/** One sandbox run in a hash search. `id` is the 24-hex job id. */
export const haReportRef = z.object({
  id: z.string().nullish(),
  environment_id: z.number().int().nullish(),
  environment_description: z.string().nullish(),
  state: z.string().nullish(),
  error_type: z.string().nullish(),
  verdict: z.string().nullish(),
});

/**
 * GET /search/hash (the current look-up since v2.35.0; `POST /search/hash` answers 410 Gone). No scores here:
 * those need `GET /overview/{sha256}`. A 404 says `{"message": "Requested hash not found"}`, so the fields are
 * optional and the client tells the two answers apart.
 */
export const haHashSearchAnswer = z.object({
  sha256s: z.array(z.string()).optional(),
  // Not used for the verdict (the overview is): null or missing like any field the mapping does not need.
  reports: z.array(haReportRef).nullish(),
  message: z.string().optional(),
});
export type HaHashSearch = { sha256s: string[]; reports: z.infer<typeof haReportRef>[] };
// Every overview field but `sha256` may be null or missing: only the sha256 is needed (the verdict is UNKNOWN without one).

/**
 * GET /overview/{sha256}: the sample aggregated over its reports. `verdict` is "malicious", "suspicious",
 * "no specific threat", "whitelisted", null (older data: "no verdict"); `threat_score` 0–100 or null.
 */
export const haOverview = z.looseObject({
  sha256: z.string(),
  last_file_name: z.string().nullable().optional(),
  other_file_name: z.array(z.string()).nullish(),
  threat_score: z.number().int().nullable().optional(),
  verdict: z.string().nullable().optional(),
  vx_family: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
  type_short: z.array(z.string()).nullish(),
  size: z.number().int().nullable().optional(),
  tags: z.array(z.string()).nullish(),
  analysis_start_time: z.string().nullable().optional(),
  // Percent of AV engines detecting the sample; only partially corroborated, hence optional.
  multiscan_result: z.number().int().nullable().optional(),
});
export type HaOverview = z.infer<typeof haOverview>;

/** The overview or its 404 `{"message": …}` (one object rather than a union, so a bad field is named exactly). */
export const haOverviewAnswer = haOverview.partial({ sha256: true }).extend({ message: z.string().optional() });

/** GET /key/current. */
export const haKey = z.object({ api_key: z.string(), auth_level: z.number().int(), auth_level_name: z.string() });
export type HaKey = z.infer<typeof haKey>;

/**
 * The `api-limits` response header (JSON): the key's windows, their use, and which one ran out on a 429
 * (`name_of_reached_limit`). Quotas are per key and unpublished, so this is how a client learns them.
 */
export const haApiLimits = z.object({
  limits: z.record(z.string(), z.number().int()),
  used: z.record(z.string(), z.number().int()),
  limit_reached: z.boolean(),
  name_of_reached_limit: z.string().optional(),
});
export type HaApiLimits = z.infer<typeof haApiLimits>;

export interface HaErrorBody {
  message: string;
  validation_errors?: { field: string; errors: string[] }[];
}
