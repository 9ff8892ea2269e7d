import type { z } from 'zod';
import { VendorError } from '../http/vendor-error.js';
import type { VendorHttp } from '../http/vendor-http.js';
import { vtDomain, vtFile, vtIpAddress, vtLookupAnswer, vtUrl, type VtDomain, type VtFile, type VtIpAddress, type VtUrl } from './wire.js';

/**
 * VirusTotal's identifier of a URL: the URL in URL-safe base64 without `=` padding. VT canonicalises it
 * server-side and answers with the SHA-256 form as `data.id`.
 */
export function virusTotalUrlId(url: string): string {
  return Buffer.from(url, 'utf8').toString('base64url');
}

/** VirusTotal API v3 object look-ups (`x-apikey` auth is set by the manifest's VendorHttp). Each costs one quota unit. */
export class VirusTotalClient {
  constructor(private readonly http: VendorHttp) {}

  /** GET /ip_addresses/{ip}; null when VT has no such object. */
  getIpAddress(ip: string): Promise<VtIpAddress | null> {
    return this.lookUp(`ip_addresses/${encodeURIComponent(ip)}`, vtIpAddress);
  }

  /** GET /domains/{domain}; null when VT has no such object. */
  getDomain(domain: string): Promise<VtDomain | null> {
    return this.lookUp(`domains/${encodeURIComponent(domain.toLowerCase())}`, vtDomain);
  }

  /** GET /urls/{url id}; null when VT has never seen the URL. */
  getUrl(url: string): Promise<VtUrl | null> {
    return this.lookUp(`urls/${virusTotalUrlId(url)}`, vtUrl);
  }

  /** GET /files/{md5|sha1|sha256}; null when VT has never seen the file. The answer's id is always the sha256. */
  getFile(hash: string): Promise<VtFile | null> {
    return this.lookUp(`files/${encodeURIComponent(hash.toLowerCase())}`, vtFile);
  }

  private async lookUp<D extends z.ZodType>(path: string, data: D): Promise<z.infer<D> | null> {
    const answer = await this.http.json('GET', path, vtLookupAnswer(data), { acceptStatus: [404] });
    if (answer.data !== undefined) return answer.data;
    // "Unknown to VirusTotal" is an answer, not a failure.
    if (answer.error?.code === 'NotFoundError') return null;
    throw new VendorError('UPSTREAM_BAD_RESPONSE', this.http.vendor, this.http.sourceName,
      `GET ${path}: answer has neither data nor a NotFoundError (${answer.error?.code ?? 'empty'})`);
  }
}
