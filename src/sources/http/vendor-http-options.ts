import type { Vendor } from '../../domain/vendor.js';
import type { VendorError } from './vendor-error.js';

/** Where a client reports the outcome of each call (after retries), so source health stays current. */
export interface HealthSink {
  recordSuccess(sourceName: string): void;
  recordFailure(sourceName: string, error: VendorError): void;
}

/**
 * Paces calls to a source (its configured `rateLimit`): `acquire` resolves when a call may start and gives the
 * function that reports it ended; it rejects (a VendorError) when the budget cannot be had in reasonable time.
 */
export interface CallLimiter {
  acquire(): Promise<() => Promise<void>>;
  /**
   * The vendor answered 429: no call to the source may start for `waitMs` (what it announced), or for a shared
   * backoff when it announced nothing (null). Takes effect before it returns.
   */
  pause?(waitMs: number | null, reason: string): void;
}

export interface TlsOptions {
  /** Verify the vendor's certificate (default true). Turning it off must be explicit in config. */
  verify?: boolean;
  /** PEM file with extra CA certificates to trust. */
  caFile?: string;
}

export interface VendorHttpOptions {
  vendor: Vendor;
  /** The configured source's name: health and logs are kept per source. */
  sourceName: string;
  baseUrl: string;
  /**
   * Sets authentication on a request. Called before every attempt (retries included), so signatures
   * with an expiry are computed afresh each time. Returning a Request replaces the outgoing one (a
   * Request's URL is immutable, so query-string auth such as Cyware's must rebuild it).
   */
  authenticate?: (request: Request) => void | Request | Promise<void | Request>;
  /** Secret strings that must never appear in an error message or log line. */
  secrets?: string[];
  timeoutMs?: number;
  /** Attempts after the first one for retryable failures (429, 5xx, timeouts, network, malformed body). */
  retries?: number;
  /** Upper bound of one backoff delay. */
  backoffLimitMs?: number;
  /** A Retry-After above this fails the call instead of sleeping (the job retries later). */
  maxRetryAfterMs?: number;
  /**
   * Whether a 429 is retried here (default true). Quota-metered providers say false: their calls are paced by
   * the quota scheduler, which requeues on a 429 instead of holding a worker asleep or spending more budget.
   */
  retryRateLimited?: boolean;
  /** How long a 429 asks to wait when the vendor says so without Retry-After (e.g. Hybrid Analysis' Api-Limits header). */
  rateLimitWaitSeconds?: (headers: Headers) => number | undefined;
  tls?: TlsOptions;
  health?: HealthSink;
  limiter?: CallLimiter;
  headers?: Record<string, string>;
}

export interface CallOptions {
  searchParams?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  body?: RequestInit['body'];
  headers?: Record<string, string>;
  /**
   * POST/PATCH are not retried on 5xx/timeouts unless the caller says the call is safe to repeat
   * (e.g. it carries an idempotency key, or the caller de-duplicates by reading back).
   */
  idempotent?: boolean;
  /** Statuses the caller handles itself (returned, not thrown, for `response`). */
  acceptStatus?: number[];
}
