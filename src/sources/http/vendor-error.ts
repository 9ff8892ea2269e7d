import type { Vendor } from '../../domain/vendor.js';

/** Codes a vendor failure surfaces with; they reach GraphQL clients as `extensions.code`. */
export type VendorErrorCode =
  | 'UPSTREAM_UNAVAILABLE' // network, timeout, 5xx, 429 beyond our patience
  | 'UPSTREAM_BAD_RESPONSE' // malformed JSON or an unexpected shape
  | 'UPSTREAM_AUTH' // 401/403: credentials, permissions, clock skew
  | 'UPSTREAM_NOT_FOUND' // 404
  | 'UPSTREAM_REJECTED' // 4xx: the vendor refused our input
  | 'UPSTREAM_CONFLICT' // 409: stale version
  | 'UPSTREAM_TLS'; // certificate verification failed

/** A vendor call that failed after retries. Its message names the vendor and source, never a secret. */
export class VendorError extends Error {
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly detail?: string;

  constructor(
    readonly code: VendorErrorCode,
    readonly vendor: Vendor,
    readonly sourceName: string,
    message: string,
    extra: { status?: number; retryAfterSeconds?: number; detail?: string } = {},
  ) {
    super(`${vendor} (${sourceName}): ${message}`);
    this.name = 'VendorError';
    this.status = extra.status;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.detail = extra.detail;
  }

  /** Whether this failure says the source is unwell (vs. an ordinary "no" to one request). */
  get affectsHealth(): boolean {
    return !['UPSTREAM_NOT_FOUND', 'UPSTREAM_REJECTED', 'UPSTREAM_CONFLICT'].includes(this.code);
  }

  static fromStatus(status: number, vendor: Vendor, sourceName: string, what: string, detail: string, retryAfter: string | null): VendorError {
    const retryAfterSeconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
    const code: VendorErrorCode =
      status === 401 || status === 403 ? 'UPSTREAM_AUTH'
        : status === 404 ? 'UPSTREAM_NOT_FOUND'
          : status === 409 ? 'UPSTREAM_CONFLICT'
            : status === 429 || status >= 500 || status === 408 ? 'UPSTREAM_UNAVAILABLE'
              : 'UPSTREAM_REJECTED';
    const suffix = detail ? `: ${detail}` : '';
    return new VendorError(code, vendor, sourceName, `${what} answered HTTP ${status}${suffix}`, { status, retryAfterSeconds, detail });
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** A vendor call that got no complete answer within its timeout. */
export class CallTimeoutError extends Error {
  constructor(readonly method: string, readonly url: string) {
    super(`${method} ${url} timed out`);
    this.name = 'CallTimeoutError';
  }
}

/** Turns a thrown network error into a VendorError, recognising timeouts and TLS failures. */
export function classifyNetworkError(error: unknown, vendor: Vendor, sourceName: string, what: string, redact: (s: string) => string): VendorError {
  if (error instanceof CallTimeoutError) {
    return new VendorError('UPSTREAM_UNAVAILABLE', vendor, sourceName, `${what} timed out`);
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code && TLS_CODES.has(cause.code)) {
    return new VendorError('UPSTREAM_TLS', vendor, sourceName,
      `${what}: TLS certificate not trusted (${cause.code}); set tlsVerify: false or give a caFile for this source`);
  }
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new VendorError('UPSTREAM_UNAVAILABLE', vendor, sourceName, `${what} failed: ${redact(message)}`);
}
