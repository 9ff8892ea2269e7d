import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Vendor } from '../../domain/vendor.js';
import { childLogger } from '../../observability/logger.js';
import { vendorCallSeconds, vendorCalls } from '../../observability/metrics.js';
import { AFTER_STATUS, backoff, header, neverSent, RETRY_STATUS, retryAfterMs, sleep, waitHeaderMs } from './retry-policy.js';
import { CallTimeoutError, VendorError, classifyNetworkError } from './vendor-error.js';
import type { CallLimiter, CallOptions, HealthSink, TlsOptions, VendorHttpOptions } from './vendor-http-options.js';

export type { CallLimiter, CallOptions, HealthSink, TlsOptions, VendorHttpOptions } from './vendor-http-options.js';
export { backoff, sleep } from './retry-policy.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Sent unless the source's or the call's headers say otherwise. */
const DEFAULT_HEADERS: Record<string, string> = { accept: '*/*', 'user-agent': 'socgraph' };
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);
/** Like fetch: redirects are followed (credentials are not carried to another origin). */
const MAX_REDIRECTIONS = 20;

/** One attempt's answer: the body read as text, or (for `response`) left to stream. */
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string | null;
  body: Dispatcher.ResponseData['body'] | null;
}

/** An answer with a status that is neither 2xx nor accepted by the caller (retried or turned into a VendorError). */
class StatusFailure extends Error {
  constructor(readonly answer: Answer) {
    super(`HTTP ${answer.status}`);
  }
}

/**
 * The one outbound HTTP client of the hub: every vendor adapter is built on it. It owns timeouts,
 * retries with backoff (honouring Retry-After), TLS settings, metrics, source health and redaction,
 * so adapters only describe the vendor's endpoints and wire shapes. Calls go through undici's dispatcher
 * API (no fetch and web streams on the way: a sync makes tens of thousands of calls).
 */
export class VendorHttp {
  private readonly log;
  private readonly secrets: string[];
  private readonly retries: number;
  private readonly backoffLimitMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly prefixUrl: string;
  private readonly headers: Record<string, string>;
  private readonly dispatcher: Agent | undefined;

  constructor(private readonly options: VendorHttpOptions) {
    this.secrets = (options.secrets ?? []).filter((s) => s && s.length >= 4);
    this.retries = options.retries ?? 4;
    this.backoffLimitMs = options.backoffLimitMs ?? 10_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.prefixUrl = options.baseUrl.replace(/\/+$/, '') + '/';
    this.headers = { ...DEFAULT_HEADERS, ...lowerCased(options.headers) };
    this.log = childLogger({ vendor: options.vendor, source: options.sourceName });
    this.dispatcher = buildDispatcher(options.tls);
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
      const answer = await this.call(method, path, call, true);
      const text = answer.text ?? '';
      let body: unknown;
      try {
        body = text.length === 0 ? null : JSON.parse(text);
      } catch {
        attempt += 1;
        const error = new VendorError('UPSTREAM_BAD_RESPONSE', this.options.vendor, this.options.sourceName,
          `${method} ${path}: response is not valid JSON`, { status: answer.status });
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
          { status: answer.status }));
      }
      this.options.health?.recordSuccess(this.options.sourceName);
      return parsed.data;
    }
  }

  /** Calls the vendor and returns the raw response of a 2xx (or an accepted status); anything else throws VendorError. */
  async response(method: Method, path: string, call: CallOptions = {}): Promise<Response> {
    const answer = await this.call(method, path, call, false);
    const headers = toHeaders(answer.headers);
    const body = NULL_BODY_STATUS.has(answer.status) ? null : answer.body;
    if (body === null) answer.body?.resume();
    return new Response(body as unknown as ConstructorParameters<typeof Response>[0], { status: answer.status, headers });
  }

  /** Replaces every configured secret in a text. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  /** One call with its retries; a 2xx or accepted answer, or a VendorError (health and metrics kept). */
  private async call(method: Method, path: string, call: CallOptions, readText: boolean): Promise<Answer> {
    const started = process.hrtime.bigint();
    let answer: Answer;
    try {
      answer = await this.withRetries(method, path, call, readText);
    } catch (error) {
      // Our own pacing (the source's rateLimit) refusing: not the vendor's failure, so not its health either.
      if (error instanceof VendorError) throw error;
      if (error instanceof StatusFailure) {
        const { status, text } = error.answer;
        const detail = this.redact((text ?? '').slice(0, 300));
        return this.fail(VendorError.fromStatus(status, this.options.vendor, this.options.sourceName,
          `${method} ${path}`, detail, this.retryAfter(error.answer)));
      }
      vendorCalls.inc({ vendor: this.options.vendor, status: errorLabel(error) });
      return this.fail(classifyNetworkError(error, this.options.vendor, this.options.sourceName, `${method} ${path}`, (s) => this.redact(s)));
    } finally {
      vendorCallSeconds.observe({ vendor: this.options.vendor }, Number(process.hrtime.bigint() - started) / 1e9);
    }
    this.options.health?.recordSuccess(this.options.sourceName);
    return answer;
  }

  private async withRetries(method: Method, path: string, call: CallOptions, readText: boolean): Promise<Answer> {
    const url = this.url(path, call.searchParams);
    const headers = { ...this.headers, ...lowerCased(call.headers) };
    let body: RequestInit['body'] | string | undefined = call.body;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['content-type'] ??= 'application/json';
    } else if (body instanceof URLSearchParams) {
      body = body.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    }
    // POST/PATCH are not repeated after a 5xx or a timeout unless the caller says so: it may have happened.
    const repeatable = call.idempotent === true || (method !== 'POST' && method !== 'PATCH');
    const accepted = call.acceptStatus ?? [];
    for (let retryCount = 1; ; retryCount += 1) {
      let failure: unknown;
      // Every attempt counts against the source's rate limit, retries included.
      const ended = await this.options.limiter?.acquire();
      try {
        const answer = await this.attempt(method, url, headers, body, readText, accepted);
        if ((answer.status >= 200 && answer.status < 300) || accepted.includes(answer.status)) return answer;
        failure = new StatusFailure(answer);
      } catch (error) {
        failure = error;
      } finally {
        await ended?.();
      }
      const delay = this.retryDelay(failure, retryCount, repeatable);
      if (delay === null) throw failure;
      await sleep(delay);
      this.log.warn({ retryCount, reason: this.redact(describe(failure)) }, 'retrying vendor call');
    }
  }

  /** One attempt: authenticated afresh, bounded by the timeout (the answer's body too, when it is read here). */
  private async attempt(method: Method, url: string, headers: Record<string, string>, body: unknown, readText: boolean, accepted: number[]): Promise<Answer> {
    let target = url;
    let sent = headers;
    if (this.options.authenticate) {
      const request = new Request(url, { method, headers });
      const replaced = await this.options.authenticate(request);
      const final = replaced instanceof Request ? replaced : request;
      target = final.url;
      sent = Object.fromEntries(final.headers);
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      const response = await request(target, {
        method, headers: sent, body: body as Dispatcher.RequestOptions['body'], signal: controller.signal,
        dispatcher: this.dispatcher, maxRedirections: MAX_REDIRECTIONS,
      });
      vendorCalls.inc({ vendor: this.options.vendor, status: String(response.statusCode) });
      // As soon as the status is known (before the body is read): the other calls of this source must not start inside the window.
      if (response.statusCode === 429) this.pauseSource(response.headers);
      const ok = (response.statusCode >= 200 && response.statusCode < 300) || accepted.includes(response.statusCode);
      if (readText || !ok) {
        return { status: response.statusCode, headers: response.headers, text: await response.body.text(), body: null };
      }
      return { status: response.statusCode, headers: response.headers, text: null, body: response.body };
    } catch (error) {
      if (timedOut) throw new CallTimeoutError(method, this.redact(target));
      // Shaped like fetch's failures (the cause carries the code), which classifyNetworkError reads.
      throw new Error('request failed', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Milliseconds to wait before retry number `retryCount` of a failed attempt, or null when it is not retried:
   * not retryable, beyond the retry budget, or a Retry-After beyond our patience (the job retries later rather
   * than holding a worker).
   */
  private retryDelay(failure: unknown, retryCount: number, repeatable: boolean): number | null {
    if (retryCount > this.retries) return null;
    if (failure instanceof StatusFailure) {
      const { status, headers } = failure.answer;
      if (!RETRY_STATUS.includes(status)) return null;
      // Quota-metered providers' 429s are requeued by their scheduler instead.
      if (status === 429 && this.options.retryRateLimited === false) return null;
      if (retryAfterMs(header(headers, 'retry-after')) > this.maxRetryAfterMs) return null;
      // "Not now" is safe to repeat; another failure of a create may have created it.
      if (!repeatable && status !== 429) return null;
      const after = AFTER_STATUS.includes(status) ? waitHeaderMs(headers) : null;
      if (after !== null) return Math.max(0, after < this.maxRetryAfterMs ? after : this.maxRetryAfterMs);
    } else if (!repeatable && !neverSent(failure)) {
      // A timeout or a connection lost after the request went out: a create may have happened.
      return null;
    }
    return Math.min(this.backoffLimitMs, Math.random() * 300 * 2 ** (retryCount - 1));
  }

  private url(path: string, searchParams: CallOptions['searchParams']): string {
    const url = this.prefixUrl + path.replace(/^\/+/, '');
    const params = compact(searchParams);
    if (!params || Object.keys(params).length === 0) return url;
    const query = new URLSearchParams(params).toString();
    const hash = url.indexOf('#');
    const base = hash === -1 ? url : url.slice(0, hash);
    const question = base.indexOf('?');
    return `${question === -1 ? base : base.slice(0, question)}?${query}${hash === -1 ? '' : url.slice(hash)}`;
  }

  /**
   * A 429: pauses every call to the source (on every replica, through the limiter) for the wait it announces —
   * Retry-After or a rate-limit reset header, or the vendor's own way — or a shared backoff when it says nothing.
   */
  private pauseSource(headers: IncomingHttpHeaders): void {
    if (!this.options.limiter?.pause) return;
    let wait = waitHeaderMs(headers);
    if (wait === null) {
      const seconds = this.options.rateLimitWaitSeconds?.(toHeaders(headers));
      wait = seconds === undefined ? null : seconds * 1000;
    }
    const announced = header(headers, 'retry-after');
    this.options.limiter.pause(wait === null ? null : Math.max(0, wait), announced ? `HTTP 429, Retry-After ${announced}` : 'HTTP 429');
  }

  private retryAfter(answer: Answer): string | null {
    const value = header(answer.headers, 'retry-after');
    if (value !== null || answer.status !== 429 || !this.options.rateLimitWaitSeconds) return value;
    const seconds = this.options.rateLimitWaitSeconds(toHeaders(answer.headers));
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
  if (error instanceof CallTimeoutError) return 'timeout';
  return 'network_error';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}

function lowerCased(headers?: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}
