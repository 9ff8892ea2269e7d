import { readFileSync } from 'node:fs';
import ky, { HTTPError, TimeoutError, type KyInstance, type Options as KyOptions } from 'ky';
import { Agent } from 'undici';
import type { z } from 'zod';
import type { Vendor } from '../../domain/vendor.js';
import { childLogger } from '../../observability/logger.js';
import { vendorCallSeconds, vendorCalls } from '../../observability/metrics.js';
import { VendorError, classifyNetworkError } from './vendor-error.js';

/** Where a client reports the outcome of each call (after retries), so source health stays current. */
export interface HealthSink {
  recordSuccess(sourceName: string): void;
  recordFailure(sourceName: string, error: VendorError): void;
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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const RETRY_STATUS = [408, 429, 500, 502, 503, 504];

/**
 * The one outbound HTTP client of the hub: every vendor adapter is built on it. It owns timeouts,
 * retries with backoff (honouring Retry-After), TLS settings, metrics, source health and redaction,
 * so adapters only describe the vendor's endpoints and wire shapes.
 */
export class VendorHttp {
  private readonly ky: KyInstance;
  private readonly log;
  private readonly secrets: string[];
  private readonly retries: number;
  private readonly backoffLimitMs: number;

  constructor(private readonly options: VendorHttpOptions) {
    this.secrets = (options.secrets ?? []).filter((s) => s && s.length >= 4);
    this.retries = options.retries ?? 4;
    this.backoffLimitMs = options.backoffLimitMs ?? 10_000;
    this.log = childLogger({ vendor: options.vendor, source: options.sourceName });
    const dispatcher = buildDispatcher(options.tls);
    const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    const kyOptions: KyOptions & { dispatcher?: Agent } = {
      prefixUrl: options.baseUrl.replace(/\/+$/, '') + '/',
      timeout: options.timeoutMs ?? 30_000,
      headers: options.headers,
      retry: {
        limit: this.retries,
        methods: ['get', 'put', 'head', 'delete', 'options', 'post', 'patch'],
        statusCodes: RETRY_STATUS,
        afterStatusCodes: [413, 429, 503],
        maxRetryAfter: maxRetryAfterMs,
        backoffLimit: this.backoffLimitMs,
        retryOnTimeout: true,
        jitter: true,
        shouldRetry: ({ error }) => {
          if (options.retryRateLimited === false && error instanceof HTTPError && error.response.status === 429) return false;
          // ky would clamp a long Retry-After to maxRetryAfter and retry anyway; a vendor that says "come
          // back in an hour" must fail the call instead, so the job retries later rather than holding a worker.
          if (error instanceof HTTPError && retryAfterMs(error.response.headers.get('retry-after')) > maxRetryAfterMs) return false;
          // Non-idempotent calls are only retried when the server said "not now" (429) or a network
          // error happened before any byte was sent; a 5xx on a create may have created it.
          const request = (error as { request?: Request }).request;
          const idempotent = request?.headers.get('x-socgraph-idempotent') === '1';
          if (idempotent || request === undefined) return undefined;
          if (request.method === 'POST' || request.method === 'PATCH') {
            if (error instanceof HTTPError) return error.response.status === 429 ? undefined : false;
            return error instanceof TimeoutError ? false : undefined;
          }
          return undefined;
        },
      },
      hooks: {
        beforeRequest: [
          async (request) => {
            if (options.authenticate) return options.authenticate(request);
          },
        ],
        afterResponse: [
          (_request, _options, response) => {
            vendorCalls.inc({ vendor: options.vendor, status: String(response.status) });
            return response;
          },
        ],
        beforeRetry: [
          ({ retryCount, error }) => {
            this.log.warn({ retryCount, reason: this.redact(describe(error)) }, 'retrying vendor call');
          },
        ],
      },
    };
    if (dispatcher) kyOptions.dispatcher = dispatcher;
    this.ky = ky.create(kyOptions);
  }

  get vendor(): Vendor {
    return this.options.vendor;
  }

  get sourceName(): string {
    return this.options.sourceName;
  }

  /** Calls the vendor and parses a JSON answer with `schema` (malformed JSON is retried, then UPSTREAM_BAD_RESPONSE). */
  async json<S extends z.ZodType>(method: Method, path: string, schema: S, call: CallOptions = {}): Promise<z.infer<S>> {
    let attempt = 0;
    for (;;) {
      const response = await this.response(method, path, call);
      const text = await response.text();
      let body: unknown;
      try {
        body = text.length === 0 ? null : JSON.parse(text);
      } catch {
        attempt += 1;
        const error = new VendorError('UPSTREAM_BAD_RESPONSE', this.options.vendor, this.options.sourceName,
          `${method} ${path}: response is not valid JSON`, { status: response.status });
        if (attempt > this.retries || (!call.idempotent && method !== 'GET')) return this.fail(error);
        this.log.warn({ attempt }, 'malformed JSON from vendor, retrying');
        await sleep(backoff(attempt, this.backoffLimitMs));
        continue;
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return this.fail(new VendorError('UPSTREAM_BAD_RESPONSE', this.options.vendor, this.options.sourceName,
          `${method} ${path}: unexpected response shape at '${issue?.path.join('.') || '(root)'}': ${issue?.message}`,
          { status: response.status }));
      }
      this.options.health?.recordSuccess(this.options.sourceName);
      return parsed.data;
    }
  }

  /** Calls the vendor and returns the raw response of a 2xx (or an accepted status); anything else throws VendorError. */
  async response(method: Method, path: string, call: CallOptions = {}): Promise<Response> {
    const started = process.hrtime.bigint();
    const headers: Record<string, string> = { ...call.headers };
    if (call.idempotent || method === 'GET') headers['x-socgraph-idempotent'] = '1';
    const accepted = call.acceptStatus ?? [];
    let response: Response;
    try {
      response = await this.ky(path.replace(/^\/+/, ''), {
        method,
        headers,
        json: call.json,
        body: call.body,
        searchParams: compact(call.searchParams),
        throwHttpErrors: (status) => !accepted.includes(status),
      });
    } catch (error) {
      if (error instanceof HTTPError) {
        const detail = this.redact((await error.response.text().catch(() => '')).slice(0, 300));
        return this.fail(VendorError.fromStatus(error.response.status, this.options.vendor, this.options.sourceName,
          `${method} ${path}`, detail, this.retryAfter(error.response)));
      }
      vendorCalls.inc({ vendor: this.options.vendor, status: errorLabel(error) });
      return this.fail(classifyNetworkError(error, this.options.vendor, this.options.sourceName, `${method} ${path}`, (s) => this.redact(s)));
    } finally {
      vendorCallSeconds.observe({ vendor: this.options.vendor }, Number(process.hrtime.bigint() - started) / 1e9);
    }
    this.options.health?.recordSuccess(this.options.sourceName);
    return response;
  }

  /** Replaces every configured secret in a text. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  private retryAfter(response: Response): string | null {
    const header = response.headers.get('retry-after');
    if (header !== null || response.status !== 429 || !this.options.rateLimitWaitSeconds) return header;
    const seconds = this.options.rateLimitWaitSeconds(response.headers);
    return seconds === undefined ? null : String(Math.ceil(seconds));
  }

  private fail(error: VendorError): never {
    // A 404 or a rejected input is an answer, not a sign of ill health.
    if (error.affectsHealth) this.options.health?.recordFailure(this.options.sourceName, error);
    throw error;
  }
}

function buildDispatcher(tls?: TlsOptions): Agent | undefined {
  if (!tls || (tls.verify !== false && !tls.caFile)) return undefined;
  return new Agent({
    connect: {
      rejectUnauthorized: tls.verify !== false,
      ...(tls.caFile ? { ca: readFileSync(tls.caFile, 'utf8') } : {}),
    },
  });
}

function compact(params?: CallOptions['searchParams']): Record<string, string> | undefined {
  if (!params) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (value !== undefined) out[key] = String(value);
  return out;
}

function errorLabel(error: unknown): string {
  if (error instanceof TimeoutError) return 'timeout';
  return 'network_error';
}

function describe(error: unknown): string {
  if (error instanceof HTTPError) return `HTTP ${error.response.status}`;
  return error instanceof Error ? error.message : String(error);
}

export function backoff(attempt: number, limitMs: number): number {
  const base = Math.min(limitMs, 300 * 2 ** (attempt - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retry-After in milliseconds (seconds or an HTTP date); 0 when absent or unreadable. */
function retryAfterMs(header: string | null): number {
  if (!header) return 0;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? 0 : Math.max(0, at - Date.now());
}
