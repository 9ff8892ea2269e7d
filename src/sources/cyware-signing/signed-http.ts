import type { z } from 'zod';
import { VendorError } from '../http/vendor-error.js';
import { VendorHttp, type CallOptions, type VendorHttpOptions } from '../http/vendor-http.js';
import { openApiAuthenticator, type OpenApiCredentials } from './open-api-signature.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface CywareHttpOptions extends Omit<VendorHttpOptions, 'authenticate'> {
  credentials: OpenApiCredentials;
  /** Seconds from signing to `Expires` (Cyware documents at most 30). */
  signatureValiditySeconds: number;
  /** Clock in epoch milliseconds (tests run the client off the server's time with it). */
  now?: () => number;
}

/**
 * The shared HTTP client signed with the Cyware Open API scheme (CTIX and CFTR). Its one addition: a 403
 * from Cyware usually means the signature's `Expires` fell outside the server's window, i.e. this host's
 * clock is skewed, so the error says so instead of a bare "forbidden".
 */
export class CywareOpenApiHttp {
  private readonly http: VendorHttp;

  constructor(options: CywareHttpOptions) {
    const { credentials, signatureValiditySeconds, now, ...httpOptions } = options;
    this.http = new VendorHttp({
      // Cyware's own clients send a JSON content type even on GET.
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...httpOptions,
      secrets: [...(httpOptions.secrets ?? []), credentials.secretKey],
      authenticate: openApiAuthenticator(credentials, { validitySeconds: signatureValiditySeconds, now }),
    });
  }

  async json<S extends z.ZodType>(method: Method, path: string, schema: S, call: CallOptions = {}): Promise<z.infer<S>> {
    try {
      return await this.http.json(method, path, schema, call);
    } catch (error) {
      throw explainForbidden(error, `${method} ${path}`);
    }
  }
}

/** Rewrites a 403 into an UPSTREAM_AUTH error naming clock skew first and missing permission second. */
function explainForbidden(error: unknown, what: string): unknown {
  if (!(error instanceof VendorError) || error.status !== 403) return error;
  const said = error.detail ? ` Cyware said: ${error.detail}` : '';
  return new VendorError('UPSTREAM_AUTH', error.vendor, error.sourceName,
    `${what} was refused (HTTP 403): the signature's Expires is outside the server's window, so this host's clock ` +
    `may be skewed from the Cyware server's — synchronise it (NTP). If the clock is right, the Open API ` +
    `credential's bot user lacks permission for this call.${said}`,
    { status: 403, detail: error.detail });
}
