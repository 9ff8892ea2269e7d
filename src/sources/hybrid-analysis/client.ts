import { VendorError } from '../http/vendor-error.js';
import type { VendorHttp } from '../http/vendor-http.js';
import { haApiLimits, haHashSearchAnswer, haKey, haOverviewAnswer, type HaApiLimits, type HaHashSearch, type HaKey, type HaOverview } from './wire.js';

/** Hybrid Analysis' "unknown sample" 404 message; any other 404 (a wrong base URL…) is a real failure. */
const HASH_NOT_FOUND = /hash not found/i;

const WINDOW_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

/** Reads the `api-limits` header, if present and well-formed. */
export function parseApiLimits(headers: Headers): HaApiLimits | null {
  const raw = headers.get('api-limits');
  if (!raw) return null;
  try {
    const parsed = haApiLimits.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * How long a Hybrid Analysis 429 asks us to wait: it names the window that ran out in `api-limits` but sends no
 * Retry-After, so the wait is that window's length (an upper bound).
 */
export function hybridAnalysisRateLimitWait(headers: Headers): number | undefined {
  const reached = parseApiLimits(headers)?.name_of_reached_limit;
  return reached ? WINDOW_SECONDS[reached] : undefined;
}

/** Hybrid Analysis API v2 calls (`api-key` auth and the `Falcon Sandbox` User-Agent are set by the manifest's VendorHttp). */
export class HybridAnalysisClient {
  constructor(private readonly http: VendorHttp) {}

  /** GET /search/hash: the sample's sha256 and its sandbox runs, for an md5, sha1 or sha256; null when unknown. */
  async searchHash(hash: string): Promise<HaHashSearch | null> {
    const path = 'search/hash';
    const answer = await this.http.json('GET', path, haHashSearchAnswer, { searchParams: { hash: hash.toLowerCase() }, acceptStatus: [404] });
    if (answer.sha256s) return { sha256s: answer.sha256s, reports: answer.reports ?? [] };
    return this.notFound(path, answer.message);
  }

  /** GET /overview/{sha256}: verdict, threat score and family aggregated over the sample's runs; null when unknown. */
  async getOverview(sha256: string): Promise<HaOverview | null> {
    const path = `overview/${encodeURIComponent(sha256.toLowerCase())}`;
    const answer = await this.http.json('GET', path, haOverviewAnswer, { acceptStatus: [404] });
    if (answer.sha256 !== undefined) return { ...answer, sha256: answer.sha256 };
    return this.notFound(path, answer.message);
  }

  /** GET /key/current: the key's access level and its request windows (quotas are per key and unpublished). */
  async currentKey(): Promise<{ key: HaKey; limits: HaApiLimits | null }> {
    const response = await this.http.response('GET', 'key/current');
    const body = haKey.safeParse(await response.json().catch(() => undefined));
    if (!body.success) {
      throw new VendorError('UPSTREAM_BAD_RESPONSE', this.http.vendor, this.http.sourceName, 'GET key/current: unexpected response shape');
    }
    return { key: body.data, limits: parseApiLimits(response.headers) };
  }

  /** An answer without the sample: HA's "unknown hash" 404 is null; anything else is a failure. */
  private notFound(path: string, message: string | undefined): null {
    if (message !== undefined && HASH_NOT_FOUND.test(message)) return null;
    if (message === undefined) {
      throw new VendorError('UPSTREAM_BAD_RESPONSE', this.http.vendor, this.http.sourceName, `GET ${path}: answer carries neither the sample nor a message`);
    }
    throw new VendorError('UPSTREAM_NOT_FOUND', this.http.vendor, this.http.sourceName,
      `GET ${path}: answered "${message}" (is the base URL right?)`, { status: 404 });
  }
}
