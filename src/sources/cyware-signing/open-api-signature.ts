import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Cyware Open API signature, shared by Intel Exchange (CTIX) and Respond (CFTR): every request carries
 * `AccessID`, `Expires` (epoch seconds) and `Signature` = Base64(HMAC-SHA1(secret, `AccessID\nExpires`))
 * as query parameters. Method, path and body are not signed. The adapters sign with it and the sandboxes
 * verify with it, so both sides share this one implementation.
 */

export interface OpenApiCredentials {
  accessId: string;
  secretKey: string;
}

/** Base64 of HMAC-SHA1 over `accessId + "\n" + expires`, keyed by the secret key (always 28 characters). */
export function openApiSignature(accessId: string, secretKey: string, expires: number): string {
  return createHmac('sha1', Buffer.from(secretKey, 'utf8'))
    .update(`${accessId}\n${expires}`, 'utf8')
    .digest('base64');
}

export interface AuthenticatorOptions {
  /** Seconds between signing and `Expires` (Cyware documents at most 30). */
  validitySeconds: number;
  /** Clock in epoch milliseconds; injectable so a test can run the client off the server's time. */
  now?: () => number;
}

/**
 * A VendorHttp `authenticate` hook: returns the request with fresh `AccessID`/`Expires`/`Signature` query
 * parameters. VendorHttp calls it before every attempt, so a retry after a slow backoff never reuses an
 * `Expires` that has passed meanwhile. `URLSearchParams` percent-encodes the Base64 `+ / =` (an unencoded
 * `+` would reach the server as a space and fail about one signature in three).
 */
export function openApiAuthenticator(credentials: OpenApiCredentials, options: AuthenticatorOptions): (request: Request) => Request {
  const now = options.now ?? Date.now;
  return (request) => {
    const expires = Math.floor(now() / 1000) + options.validitySeconds;
    const url = new URL(request.url);
    url.searchParams.set('AccessID', credentials.accessId);
    url.searchParams.set('Expires', String(expires));
    url.searchParams.set('Signature', openApiSignature(credentials.accessId, credentials.secretKey, expires));
    return new Request(url, request);
  };
}

/** DRF-style body Cyware answers auth failures with (the real wording is not public). */
export interface OpenApiAuthFailureBody {
  detail: string;
}

export type OpenApiVerdict =
  | { ok: true; accessId: string }
  | { ok: false; status: 401 | 403; body: OpenApiAuthFailureBody };

export interface VerifyOptions {
  /** The secret key of an access id, or undefined when the id is unknown. */
  secretFor(accessId: string): string | undefined;
  /** Server time in epoch seconds. */
  nowSeconds: number;
  /** How far ahead of server time `Expires` may be (CTIX documents 30 s; a CFTR client is seen using 60 s). */
  maxValiditySeconds: number;
}

const NOT_PROVIDED: OpenApiAuthFailureBody = { detail: 'Authentication credentials were not provided.' };
const INCORRECT: OpenApiAuthFailureBody = { detail: 'Incorrect authentication credentials.' };

/**
 * Verifies the three auth query parameters as a Cyware server does (sandboxes use it on every request):
 * missing parameter, unknown AccessID or wrong signature → 401; valid signature but `Expires` in the past or
 * too far in the future → 403, which in practice means the caller's clock is off (or a signature was reused).
 * `query` is the already-decoded query string; a second decode is tolerated because Cyware's own Python sample
 * double-encodes the signature.
 */
export function verifyOpenApiRequest(query: Record<string, unknown>, options: VerifyOptions): OpenApiVerdict {
  const accessId = single(query.AccessID);
  const expiresText = single(query.Expires);
  const signature = single(query.Signature);
  if (!accessId || !expiresText || !signature) return { ok: false, status: 401, body: NOT_PROVIDED };

  const secret = options.secretFor(accessId);
  if (secret === undefined || !/^\d{1,12}$/.test(expiresText)) return { ok: false, status: 401, body: INCORRECT };

  const expires = Number(expiresText);
  const expected = openApiSignature(accessId, secret, expires);
  if (!sameSignature(signature, expected) && !sameSignature(decodeOnce(signature), expected)) {
    return { ok: false, status: 401, body: INCORRECT };
  }
  if (expires < options.nowSeconds) {
    return { ok: false, status: 403, body: { detail: `Signature expired: Expires ${expires} is before server time ${options.nowSeconds}. Check that your machine time is synchronized with the server.` } };
  }
  if (expires > options.nowSeconds + options.maxValiditySeconds) {
    return { ok: false, status: 403, body: { detail: `Expires ${expires} is more than ${options.maxValiditySeconds} seconds after server time ${options.nowSeconds}. Check that your machine time is synchronized with the server.` } };
  }
  return { ok: true, accessId };
}

function single(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function decodeOnce(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
