/**
 * STIX 2.1 cyber-observables for indicator values: deterministic ids (§2.9), patterns, and each value in the form
 * the observable carries (RFC 3986 URLs, ASCII e-mail domains, hash shapes checked).
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { ObservableIndicatorType } from '../indicators/extract.js';
import { isHostname, normalizeIndicator, splitUrl } from '../indicators/normalize.js';
import type { StixObject } from './stix-types.js';

export const SPEC_VERSION = '2.1';
/** STIX 2.1 §2.9: namespace of deterministic (UUIDv5) cyber-observable ids. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';


export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** RFC 8785 (JCS) for the plain objects of strings we hash: sorted keys, JSON string escaping. */
function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** STIX 2.1 §2.9: `<type>--UUIDv5(SCO namespace, JCS of the id-contributing properties)`. */
export function deterministicObservableId(scoType: string, idContributingProperties: Record<string, unknown>): string {
  return `${scoType}--${uuidV5(STIX_SCO_NAMESPACE, canonicalJson(idContributingProperties))}`;
}

const HASH_KEYS = { MD5: 'MD5', SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512', SSDEEP: 'SSDEEP' } as const;
const SCO_TYPES: Record<Exclude<ObservableIndicatorType, keyof typeof HASH_KEYS>, string> = {
  IPV4: 'ipv4-addr',
  IPV6: 'ipv6-addr',
  DOMAIN: 'domain-name',
  URL: 'url',
  EMAIL: 'email-addr',
};

function isHashType(type: ObservableIndicatorType): type is keyof typeof HASH_KEYS {
  return type in HASH_KEYS;
}

function stixString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The STIX pattern matching one observable value (hash names with a hyphen must be quoted). */
export function indicatorPattern(type: ObservableIndicatorType, value: string): string {
  if (isHashType(type)) {
    const key = HASH_KEYS[type];
    return `[file:hashes.${key.includes('-') ? stixString(key) : key} = ${stixString(value)}]`;
  }
  return `[${SCO_TYPES[type]}:value = ${stixString(value)}]`;
}

export function observableFor(type: ObservableIndicatorType, value: string): StixObject {
  const properties = isHashType(type) ? { hashes: { [HASH_KEYS[type]]: value } } : { value };
  const scoType = isHashType(type) ? 'file' : SCO_TYPES[type];
  return { type: scoType, spec_version: SPEC_VERSION, id: deterministicObservableId(scoType, properties), ...properties };
}

// RFC 3986 characters allowed after the authority (unreserved, sub-delims, ':', '@', '/', '?').
const URI_REST_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?]/;
const URI_USERINFO_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:]/;
const PERCENT_ESCAPE = /^%[0-9A-Fa-f]{2}/;

function percentEncode(char: string): string {
  try {
    return encodeURIComponent(char);
  } catch {
    return '%EF%BF%BD'; // a lone surrogate: U+FFFD
  }
}

function percentEncodeOutside(text: string, allowed: RegExp, keepFirstHash: boolean): string {
  let out = '';
  let fragmentStarted = !keepFirstHash;
  let index = 0;
  for (const char of text) {
    const validEscape = char === '%' && PERCENT_ESCAPE.test(text.slice(index, index + 3));
    if (allowed.test(char) || validEscape) {
      out += char;
    } else if (char === '#' && !fragmentStarted) {
      out += char;
      fragmentStarted = true;
    } else {
      out += percentEncode(char);
    }
    index += char.length;
  }
  return out;
}

/**
 * STIX requires url values to be RFC 3986 URIs; text from tickets may hold spaces, `|`, raw Unicode.
 * Percent-encode just those (and punycode the host) so the value still designates the same resource.
 */
export function toRfc3986(url: string): string {
  const parts = splitUrl(url);
  if (!parts) return url;
  const host = parts.host.includes(':') ? `[${parts.host}]` : domainToASCII(parts.host) || parts.host;
  const userinfo = parts.userinfo ? `${percentEncodeOutside(parts.userinfo.slice(0, -1), URI_USERINFO_CHAR, false)}@` : '';
  return `${parts.scheme}://${userinfo}${host}${parts.port}${percentEncodeOutside(parts.rest, URI_REST_CHAR, true)}`;
}

const HASH_SHAPES = {
  MD5: /^[0-9a-f]{32}$/, SHA1: /^[0-9a-f]{40}$/, SHA256: /^[0-9a-f]{64}$/, SHA512: /^[0-9a-f]{128}$/,
  // blocksize:hash:hash (spamsum), as ssdeep prints it.
  SSDEEP: /^\d+:[0-9A-Za-z/+]+:[0-9A-Za-z/+]+$/,
} as const;

function asciiEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email.slice(0, at)}@${domainToASCII(email.slice(at + 1))}` : email;
}

/** The value as the observable will carry it; throws RangeError for values that cannot be one. */
export function observableValue(type: ObservableIndicatorType, raw: string): string {
  const normalized = normalizeIndicator(type, raw);
  // Observables want ASCII: punycode hosts, percent-encoded URLs.
  const value =
    type === 'DOMAIN' ? domainToASCII(normalized) :
    type === 'EMAIL' ? asciiEmail(normalized) :
    type === 'URL' ? toRfc3986(normalized) :
    normalized;
  const valid =
    type === 'IPV4' ? isIP(value) === 4 :
    type === 'IPV6' ? isIP(value) === 6 :
    type === 'DOMAIN' ? isHostname(value) :
    type === 'EMAIL' ? value.indexOf('@') > 0 && isHostname(value.slice(value.lastIndexOf('@') + 1)) :
    type === 'URL' ? splitUrl(value) !== null :
    HASH_SHAPES[type].test(value);
  if (!valid) throw new RangeError(`not a valid ${type} indicator: ${JSON.stringify(raw)}`);
  return value;
}
