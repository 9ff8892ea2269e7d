import type { IncomingHttpHeaders } from 'node:http';
import { CallTimeoutError } from './vendor-error.js';

/**
 * When the vendor client tries a call again, and how long it waits: retryable statuses, backoff with jitter, the
 * wait a vendor announces (Retry-After and rate-limit reset headers), and failures where the request never left.
 */
export const RETRY_STATUS = [408, 429, 500, 502, 503, 504];
/** Statuses whose Retry-After (or rate-limit reset header) sets the wait before the retry. */
export const AFTER_STATUS = [413, 429, 503];
export const WAIT_HEADERS = ['retry-after', 'ratelimit-reset', 'x-ratelimit-retry-after', 'x-ratelimit-reset', 'x-rate-limit-reset'];
/** Network failures before a connection existed: the request never left, so any method may be sent again. */
export const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

export function backoff(attempt: number, limitMs: number): number {
  const base = Math.min(limitMs, 300 * 2 ** (attempt - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The first wait header's value in ms (seconds, an epoch timestamp or an HTTP date); null when none is there or readable. */
export function waitHeaderMs(headers: IncomingHttpHeaders): number | null {
  const wait = WAIT_HEADERS.map((name) => header(headers, name)).find((value) => value !== null);
  if (!wait) return null;
  let after = Number(wait) * 1000;
  if (Number.isNaN(after)) after = Date.parse(wait) - Date.now();
  else if (after >= Date.parse('2024-01-01')) after -= Date.now(); // a timestamp rather than seconds
  return Number.isNaN(after) ? null : after;
}

/** Retry-After in milliseconds (seconds or an HTTP date); 0 when absent or unreadable. */
export function retryAfterMs(header: string | null): number {
  if (!header) return 0;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? 0 : Math.max(0, at - Date.now());
}

export function neverSent(failure: unknown): boolean {
  if (failure instanceof CallTimeoutError || !(failure instanceof Error)) return false;
  const { code, cause } = failure as { code?: string; cause?: { code?: string } };
  return NOT_SENT_CODES.has(code ?? '') || NOT_SENT_CODES.has(cause?.code ?? '');
}
