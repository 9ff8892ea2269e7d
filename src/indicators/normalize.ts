/**
 * Canonical forms and plausibility checks for indicator values: the one place that decides
 * what an IP/domain/URL "is" (public or not, a real TLD or a file extension), so extraction,
 * de-duplication and STIX ids all agree on the same string.
 */
import { isIP } from 'node:net';
import type { IndicatorType } from '../domain/model.js';
import { refang } from './refang.js';

/** What extraction finds: the stored indicator types, and CVE ids. */
export type ExtractedIndicatorType = IndicatorType | 'CVE';

// ---------------------------------------------------------------------------------------------
// Top-level domains

/*
 * Allow-list rather than the full IANA list: free text is full of `file.txt`, `user.id`, `1.2.3`,
 * and a TLD list is what separates those from hostnames. Common gTLDs (including the cheap ones
 * phishing favours) plus ISO country codes, minus the ones that are mostly file extensions in
 * tickets (.md .sh .rs .py .ps .so .zip .mov). gTLDs that double as field names in logs and code
 * (.email .host .date .name .group) are left out too. Hosts of URLs skip this list (the scheme is proof).
 */
const GENERIC_TLDS =
  'com net org info biz edu gov mil int onion io co ai app dev xyz top online site club shop store tech live ' +
  'cloud pro mobi asia tel icu vip win link click buzz fun space website cyou monster bond cfd sbs lol quest ' +
  'loan racing party science trade accountant cricket faith gdn kim men tokyo xin ltd llc bank finance';
const COUNTRY_TLDS =
  'ac ad ae af ag al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ' +
  'ca cc cd cf cg ch ci ck cl cm cn cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk ' +
  'fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in iq ' +
  'ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc me mg mh ' +
  'mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph ' +
  'pk pl pm pn pr pt pw qa re ro ru rw sa sb sc sd se sg si sk sl sm sn sr ss st su sv sx sy sz tc td tf ' +
  'tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw';
const KNOWN_TLDS = new Set(`${GENERIC_TLDS} ${COUNTRY_TLDS}`.split(/\s+/));
// `user.id` / `event.id` fill JSON logs; Indonesian sites register under second levels (`x.co.id`).
const TLDS_NEEDING_SECOND_LEVEL = new Set(['id']);
// Names that only resolve inside a network: as private as an RFC 1918 address.
const PRIVATE_TLDS = new Set(['local', 'localhost', 'internal', 'intranet', 'corp', 'lan', 'home', 'localdomain', 'test', 'invalid', 'example']);

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ALPHABETIC_TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** Syntactically a DNS name with at least two labels and an alphabetic TLD (expects lower case). */
export function isHostname(host: string): boolean {
  if (host.length > 253) return false;
  const labels = host.split('.');
  if (labels.length < 2 || !ALPHABETIC_TLD.test(labels[labels.length - 1]!)) return false;
  return labels.every((label) => HOST_LABEL.test(label));
}

/** A hostname found in free text that is probably a domain, not a file name or a field path. */
export function isLikelyDomain(host: string): boolean {
  // TLD first: it rejects nearly every candidate (`report.pdf`, `1.2.3`) before the costlier checks.
  const tld = host.slice(host.lastIndexOf('.') + 1);
  if (!KNOWN_TLDS.has(tld) || !isHostname(host)) return false;
  return !TLDS_NEEDING_SECOND_LEVEL.has(tld) || host.split('.').length >= 3;
}

export function hasPrivateTld(host: string): boolean {
  return PRIVATE_TLDS.has(host.slice(host.lastIndexOf('.') + 1));
}

// ---------------------------------------------------------------------------------------------
// IPv4

// [network, prefix length]: everything that is not routable on the public internet or is reserved
// for documentation (TEST-NET), so we never spend enrichment quota on it.
const NON_PUBLIC_IPV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

const NON_PUBLIC_IPV4_RANGES = NON_PUBLIC_IPV4.map(([network, bits]) => {
  const size = 2 ** (32 - bits);
  const start = ipv4ToInt(network);
  return [start, start + size - 1] as const;
});

export function isPublicIpv4(ip: string): boolean {
  const n = ipv4ToInt(ip);
  return !NON_PUBLIC_IPV4_RANGES.some(([start, end]) => n >= start && n <= end);
}

// ---------------------------------------------------------------------------------------------
// IPv6

/** The eight 16-bit groups of a valid IPv6 address (zone id dropped), or null. */
export function parseIpv6(ip: string): number[] | null {
  if (isIP(ip) !== 6) return null;
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const zeros = rest === undefined ? [] : new Array<string>(8 - headGroups.length - restGroups.length).fill('0');
  return [...headGroups, ...zeros, ...restGroups].map((group) => parseInt(group, 16));
}

function isIpv4Mapped(groups: number[]): boolean {
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
}

function embeddedIpv4(groups: number[]): string {
  const [hi, lo] = [groups[6]!, groups[7]!];
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** RFC 5952 text: lower case, no leading zeros, the longest zero run (first on ties) as `::`. */
export function formatIpv6(groups: number[]): string {
  if (isIpv4Mapped(groups)) return `::ffff:${embeddedIpv4(groups)}`;
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * Only global unicast (2000::/3) is routable on the internet; that excludes ::, ::1, link- and
 * site-local, unique-local and multicast at once. Documentation space (2001:db8::/32) is excluded
 * like TEST-NET; IPv4-mapped addresses are judged by their IPv4 part.
 */
export function isPublicIpv6(groups: number[]): boolean {
  if (isIpv4Mapped(groups)) return isPublicIpv4(embeddedIpv4(groups));
  const [first, second] = [groups[0]!, groups[1]!];
  return (first & 0xe000) === 0x2000 && !(first === 0x2001 && second === 0x0db8);
}

// ---------------------------------------------------------------------------------------------
// URLs

export interface UrlParts {
  scheme: string;
  userinfo: string; // including the trailing '@', or ''
  host: string; // without brackets for IPv6 literals
  port: string; // including the leading ':', or ''
  rest: string; // path, query and fragment as written
}

const URL_SHAPE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is;
const PORT = /^:\d{0,5}$/;

export function splitUrl(url: string): UrlParts | null {
  const match = URL_SHAPE.exec(url);
  if (!match) return null;
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostPort = authority.slice(at + 1);
  let host: string;
  let port: string;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return null;
    host = hostPort.slice(1, close);
    port = hostPort.slice(close + 1);
  } else {
    const colon = hostPort.indexOf(':');
    host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
    port = colon >= 0 ? hostPort.slice(colon) : '';
  }
  if (!host || (port && !PORT.test(port))) return null;
  return { scheme, userinfo, host, port, rest };
}

/** Scheme and host in lower case (IPv6 literal in RFC 5952 form); path, query and fragment untouched. */
export function formatUrl(parts: UrlParts): string {
  const ipv6 = parseIpv6(parts.host);
  const host = ipv6 ? `[${formatIpv6(ipv6)}]` : parts.host.toLowerCase();
  return `${parts.scheme.toLowerCase()}://${parts.userinfo}${host}${parts.port}${parts.rest}`;
}

// ---------------------------------------------------------------------------------------------

/**
 * Canonical string for an indicator value (accepts defanged input). Values that do not parse are
 * returned trimmed and refanged rather than rejected: validation belongs to the caller's edge.
 */
export function normalizeIndicator(type: ExtractedIndicatorType, value: string): string {
  const text = refang(value.trim());
  switch (type) {
    case 'DOMAIN':
      return text.toLowerCase().replace(/\.+$/, '');
    case 'EMAIL':
    case 'MD5':
    case 'SHA1':
    case 'SHA256':
    case 'SHA512':
      return text.toLowerCase();
    case 'SSDEEP':
      // blocksize:hash:hash — base64 alphabet, case-sensitive; a trailing ,"file name" is not part of it.
      return text.replace(/,".*"$/, '');
    case 'IPV4':
      return text;
    case 'IPV6': {
      const groups = parseIpv6(text.replace(/^\[(.*)\]$/, '$1'));
      return groups ? formatIpv6(groups) : text.toLowerCase();
    }
    case 'URL': {
      const parts = splitUrl(text);
      return parts ? formatUrl(parts) : text;
    }
    case 'CVE':
      return text.toUpperCase();
  }
}
