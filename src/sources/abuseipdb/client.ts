import type { VendorHttp } from '../http/vendor-http.js';
import { abuseIpdbCheckResponse, type AbuseIpdbCheck } from './wire.js';

export interface CheckIpOptions {
  /** Only reports younger than this count (1–365, AbuseIPDB's default 30). */
  maxAgeInDays?: number;
  /** Ask for `countryName` and the reports themselves (their categories say what the IP did). */
  verbose?: boolean;
}

/** AbuseIPDB API v2 calls (`Key` header auth is set by the manifest's VendorHttp). */
export class AbuseIpdbClient {
  constructor(private readonly http: VendorHttp) {}

  /** GET /check: AbuseIPDB's record of an IPv4/IPv6 address; one call against the daily /check quota. */
  async checkIp(ipAddress: string, options: CheckIpOptions = {}): Promise<AbuseIpdbCheck> {
    const body = await this.http.json('GET', 'check', abuseIpdbCheckResponse, {
      searchParams: {
        ipAddress,
        maxAgeInDays: options.maxAgeInDays,
        // A presence flag: any value turns it on, so it is left out entirely when off.
        verbose: options.verbose ? 'true' : undefined,
      },
    });
    return body.data;
  }
}
