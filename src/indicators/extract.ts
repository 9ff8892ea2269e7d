/**
 * Pulls enrichable indicators (IPs, domains, URLs, e-mail addresses, file hashes, optionally CVE ids)
 * out of ticket text and text-like attachments. Pure and linear-time, so a hostile attachment cannot
 * stall the enrichment job.
 */
import { isIPv4 } from 'node:net';
import { IndicatorType } from '../domain/model.js';
import { domainToASCII } from 'node:url';
import {
  formatIpv6,
  formatUrl,
  hasPrivateTld,
  isHostname,
  isLikelyDomain,
  isPublicIpv4,
  isPublicIpv6,
  parseIpv6,
  splitUrl,
  type ExtractedIndicatorType,
} from './normalize.js';
import { refang } from './refang.js';

export { normalizeIndicator, type ExtractedIndicatorType } from './normalize.js';
export { refang } from './refang.js';

/** SSDEEP is a type the hub stores (from threat intel), not one it finds in free text: fuzzy hashes look like too much else. */
export const INDICATOR_TYPES: readonly ExtractedIndicatorType[] = [...Object.values(IndicatorType), 'CVE'];
/** The types that map to a STIX cyber-observable (a CVE is a vulnerability, not an observable). */
export type ObservableIndicatorType = IndicatorType;

export interface ExtractedIndicator {
  type: ExtractedIndicatorType;
  value: string;
}

export interface ExtractOptions {
  /** Keep RFC 1918, loopback, link-local, CGNAT, TEST-NET, multicast and reserved IPs (and URLs on them). */
  includePrivateIps?: boolean;
  /** Also report CVE ids (type 'CVE'). */
  includeCves?: boolean;
}

/** Attachments larger than this are read only up to this many bytes before extraction. */
export const MAX_ATTACHMENT_TEXT_BYTES = 2 * 1024 * 1024;

const TEXT_ATTACHMENT_EXTENSIONS = new Set(['txt', 'csv', 'log', 'eml', 'json', 'html', 'htm', 'xml', 'md']);
const TEXT_CONTENT_TYPES = new Set(['application/json', 'application/xml', 'application/xhtml+xml', 'message/rfc822', 'application/csv']);

/** Whether an attachment is worth reading as text: by extension first, then by its declared content type. */
export function isTextLikeAttachment(fileName: string, contentType?: string): boolean {
  const dot = fileName.lastIndexOf('.');
  if (dot >= 0 && TEXT_ATTACHMENT_EXTENSIONS.has(fileName.slice(dot + 1).trim().toLowerCase())) return true;
  const mime = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!mime) return false;
  return mime.startsWith('text/') || TEXT_CONTENT_TYPES.has(mime) || mime.endsWith('+json') || mime.endsWith('+xml');
}

// ---------------------------------------------------------------------------------------------
// Scanning. IPs, domains and e-mail addresses are found by jumping (indexOf) to the character they
// cannot do without ('.', ':', '@') and growing the token from there: several times faster than a
// pattern tried at every position, and linear by construction. URLs and CVE ids use patterns that
// start with a literal and have no ambiguous nested quantifiers.

// Stops at characters that cannot appear unescaped in a URL or that delimit it in logs and markup.
const URL_CANDIDATE = /\b(?:https?|ftp):\/\/[^\s<>"'`|\\^{}]+/gi;
const URL_TRAILING_JUNK = /[.,;:!?*'"]$/;
const CVE_CANDIDATE = /\bCVE-\d{4}-\d{4,7}\b/gi;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// No leading zeros: `010.1.1.1` is octal to some parsers and decimal to others.
const DOTTED_QUAD = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);
const EMAIL_DOMAIN_AFTER_AT = /[a-z0-9-]+(?:\.[a-z0-9-]+)+/iy;
const ALL_DIGITS = /^\d+$/;
const ONE_REPEATED_CHAR = /^(.)\1*$/;
const EDGE_DOTS = /^\.+|\.+$/g;
const MAX_EMAIL_LOCAL_LENGTH = 64;
const MAX_IPV6_TEXT_LENGTH = 45;

const HASH_TYPE_BY_LENGTH: Record<number, ExtractedIndicatorType | undefined> = { 32: 'MD5', 40: 'SHA1', 64: 'SHA256', 128: 'SHA512' };

function asciiTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const range of chars.match(/.-.|./g)!) {
    const [from, to] = range.length === 3 ? [range.charCodeAt(0), range.charCodeAt(2)] : [range.charCodeAt(0), range.charCodeAt(0)];
    for (let c = from; c <= to; c += 1) table[c] = 1;
  }
  return table;
}

// '_' is part of a dotted token so `_dmarc.evil.com` stays one (rejected) token, not `dmarc.evil.com`.
const DOTTED_TOKEN_CHARS = asciiTable('a-zA-Z0-9._-');
const IPV6_TOKEN_CHARS = asciiTable('0-9a-fA-F:.');
const HEX_CHARS = asciiTable('0-9a-fA-F');
const WORD_CHARS = asciiTable('a-zA-Z0-9_');
const EMAIL_LOCAL_CHARS = asciiTable('a-zA-Z0-9._%+-');
const ALPHANUMERIC_CHARS = asciiTable('a-zA-Z0-9');

function isIn(table: Uint8Array, text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code < 128 && table[code] === 1;
}

/** Keeps the earliest position of each (type, value); text can repeat one indicator thousands of times. */
class IndicatorCollector {
  private readonly firstSeen = new Map<ExtractedIndicatorType, Map<string, number>>(INDICATOR_TYPES.map((type) => [type, new Map()]));
  constructor(readonly includePrivate: boolean) {}

  add(at: number, type: ExtractedIndicatorType, value: string): void {
    const positions = this.firstSeen.get(type)!;
    const known = positions.get(value);
    if (known === undefined || at < known) positions.set(value, at);
  }

  /** Adds an IP literal if it is valid and allowed; returns whether it was. */
  addIp(at: number, ip: string): boolean {
    if (isIPv4(ip)) {
      if (!this.includePrivate && !isPublicIpv4(ip)) return false;
      this.add(at, 'IPV4', ip);
      return true;
    }
    const groups = parseIpv6(ip);
    if (!groups || (!this.includePrivate && !isPublicIpv6(groups))) return false;
    this.add(at, 'IPV6', formatIpv6(groups));
    return true;
  }

  inTextOrder(): ExtractedIndicator[] {
    const hits: Array<{ at: number; type: ExtractedIndicatorType; value: string }> = [];
    for (const [type, positions] of this.firstSeen) for (const [value, at] of positions) hits.push({ at, type, value });
    // Stable sort over INDICATOR_TYPES order: a URL stays ahead of a DOMAIN found at the same position.
    return hits.sort((a, b) => a.at - b.at).map(({ type, value }) => ({ type, value }));
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) n += 1;
  return n;
}

function trimUrl(candidate: string): string {
  let url = candidate;
  while (URL_TRAILING_JUNK.test(url)) url = url.slice(0, -1);
  // A closing bracket belongs to the URL only if the URL opened it (wiki-style `Foo_(bar)`).
  for (const [open, close] of [['(', ')'], ['[', ']']] as const) {
    let surplus = count(url, close) - count(url, open);
    while (surplus > 0 && url.endsWith(close)) {
      url = url.slice(0, -1);
      surplus -= 1;
      while (URL_TRAILING_JUNK.test(url)) url = url.slice(0, -1);
    }
  }
  return url;
}

function collectUrls(text: string, out: IndicatorCollector): void {
  const seenThisPass = new Set<string>(); // the first occurrence already holds the earliest position
  for (const match of text.matchAll(URL_CANDIDATE)) {
    if (seenThisPass.has(match[0])) continue;
    seenThisPass.add(match[0]);
    const url = trimUrl(match[0]);
    const parts = splitUrl(url);
    if (!parts) continue;
    const hostAt = match.index + url.indexOf(parts.host);
    const host = parts.host.toLowerCase().replace(/\.$/, '');
    if (isIPv4(host) || host.includes(':')) {
      if (!out.addIp(hostAt, host)) continue;
    } else {
      // IDN hosts are enriched in their ASCII (punycode) form, which is what DNS and providers use.
      const asciiHost = domainToASCII(host);
      if (!isHostname(asciiHost) || (!out.includePrivate && hasPrivateTld(asciiHost))) continue;
      // Reported as a DOMAIN too although it only occurs inside the URL: analysts expect the host
      // to be enriched (domain reputation) alongside the full URL.
      out.add(hostAt, 'DOMAIN', asciiHost);
    }
    out.add(match.index, 'URL', formatUrl(parts));
  }
}

function collectEmails(text: string, out: IndicatorCollector): void {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start <= MAX_EMAIL_LOCAL_LENGTH && isIn(EMAIL_LOCAL_CHARS, text, start - 1)) start -= 1;
    while (start < at && !isIn(ALPHANUMERIC_CHARS, text, start)) start += 1;
    const local = text.slice(start, at).toLowerCase();
    if (!local || local.length > MAX_EMAIL_LOCAL_LENGTH || local.endsWith('.') || local.includes('..')) continue;
    EMAIL_DOMAIN_AFTER_AT.lastIndex = at + 1;
    const domain = EMAIL_DOMAIN_AFTER_AT.exec(text)?.[0].toLowerCase();
    if (!domain || !isLikelyDomain(domain)) continue;
    out.add(start, 'EMAIL', `${local}@${domain}`);
    // Same policy as URL hosts: the mail domain is worth enriching on its own.
    out.add(at + 1, 'DOMAIN', domain);
  }
}

/** IPv4 addresses and domains: maximal runs of [A-Za-z0-9._-] around a '.' followed by a letter or digit. */
function collectDottedTokens(text: string, out: IndicatorCollector): void {
  const seenThisPass = new Set<string>(); // the first occurrence already holds the earliest position
  let tokenEnd = 0;
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) {
    if (dot < tokenEnd || !isIn(ALPHANUMERIC_CHARS, text, dot + 1)) continue;
    let start = dot;
    while (start > 0 && isIn(DOTTED_TOKEN_CHARS, text, start - 1)) start -= 1;
    let end = dot + 1;
    while (end < text.length && isIn(DOTTED_TOKEN_CHARS, text, end)) end += 1;
    tokenEnd = end;
    // Next to '@' it is part of an e-mail address (handled there); before '(' it is a method call.
    const before = text[start - 1];
    const after = text[end];
    if (before === '@' || after === '@' || after === '(') continue;
    const raw = text.slice(start, end);
    if (seenThisPass.has(raw)) continue;
    seenThisPass.add(raw);
    const token = raw.replace(EDGE_DOTS, '');
    const at = start + raw.indexOf(token);
    if (DOTTED_QUAD.test(token)) {
      out.addIp(at, token);
    } else if (token.includes('-')) {
      // Ranges such as 1.2.3.4-1.2.3.9 are two addresses; otherwise a hyphenated hostname.
      const pieces = token.split('-');
      if (pieces.every((piece) => DOTTED_QUAD.test(piece))) {
        pieces.forEach((piece) => out.addIp(at + token.indexOf(piece), piece));
        continue;
      }
    }
    const host = token.toLowerCase();
    if (isLikelyDomain(host)) out.add(at, 'DOMAIN', host);
  }
}

/** IPv6 literals: maximal runs of [0-9A-Fa-f:.] around a ':' that node:net accepts. */
function collectIpv6(text: string, out: IndicatorCollector): void {
  const seenThisPass = new Set<string>();
  let tokenEnd = 0;
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    if (colon < tokenEnd) continue;
    let start = colon;
    while (start > 0 && isIn(IPV6_TOKEN_CHARS, text, start - 1)) start -= 1;
    let end = colon + 1;
    while (end < text.length && isIn(IPV6_TOKEN_CHARS, text, end)) end += 1;
    tokenEnd = end;
    // Inside a word (`std::map`, `10:22:31Z`) it is not an address.
    if ((start > 0 && isIn(WORD_CHARS, text, start - 1)) || isIn(WORD_CHARS, text, end)) continue;
    const raw = text.slice(start, end);
    if (raw.length > MAX_IPV6_TEXT_LENGTH + 1 || seenThisPass.has(raw)) continue;
    seenThisPass.add(raw);
    const ip = raw.replace(/\.+$/, '');
    // Cheap shape test before the validator: compressed, or all eight groups present.
    if (ip.includes('::') || count(ip, ':') >= 6) out.addIp(start, ip);
  }
}

// A digest is a run of exactly 32, 40 or 64 hex digits between non-word characters. Rather than try
// a pattern at every position, probe the last character of each 32-wide window: if it is not hex, no
// run of 32 can overlap the window and the scan jumps past it, touching ~1/32 of ordinary text.
function collectHashes(text: string, out: IndicatorCollector): void {
  const seenThisPass = new Set<string>();
  let windowStart = 0;
  while (windowStart + 32 <= text.length) {
    const probe = windowStart + 31;
    if (!isIn(HEX_CHARS, text, probe)) {
      windowStart = probe + 1;
      continue;
    }
    let start = probe;
    while (start > windowStart && isIn(HEX_CHARS, text, start - 1)) start -= 1;
    let end = probe + 1;
    while (end < text.length && isIn(HEX_CHARS, text, end)) end += 1;
    windowStart = end + 1;
    const type = HASH_TYPE_BY_LENGTH[end - start];
    if (!type || isIn(WORD_CHARS, text, start - 1) || isIn(WORD_CHARS, text, end)) continue;
    const hex = text.slice(start, end).toLowerCase();
    // All-digit runs are ids or timestamps and a single repeated character is padding, not a digest.
    if (seenThisPass.has(hex) || ALL_DIGITS.test(hex) || ONE_REPEATED_CHAR.test(hex)) continue;
    seenThisPass.add(hex);
    out.add(start, type, hex);
  }
}

function collectCves(text: string, out: IndicatorCollector): void {
  for (const match of text.matchAll(CVE_CANDIDATE)) out.add(match.index, 'CVE', match[0].toUpperCase());
}

/**
 * Indicators in `text`, refanged, normalised, de-duplicated by (type, value) in order of first
 * appearance. Non-public IPs (and URLs on them or on internal-only names) are dropped unless
 * `includePrivateIps`; CVE ids are reported only with `includeCves`.
 */
export function extractIndicators(text: string, opts: ExtractOptions = {}): ExtractedIndicator[] {
  const source = refang(text);
  const out = new IndicatorCollector(opts.includePrivateIps ?? false);
  if (source.includes('://')) collectUrls(source, out);
  collectEmails(source, out);
  collectDottedTokens(source, out);
  collectIpv6(source, out);
  collectHashes(source, out);
  if (opts.includeCves) collectCves(source, out);
  return out.inTextOrder();
}
