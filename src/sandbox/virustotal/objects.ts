import { createHash } from 'node:crypto';
import { sparseMode, type SparseMode } from '../kit/index.js';
import { isIP } from 'node:net';
import { z } from 'zod';
import { stableFraction, stableInt, stablePick } from '../kit/index.js';

export type VtKind = 'ip_address' | 'domain' | 'url' | 'file';

/** One object the simulated VirusTotal knows, before it is rendered in the v3 wire shape. */
export interface SimulatedObject {
  /** Answer with every attribute sparse (null / absent / objects with null leaves), as for an object VT knows little about. */
  sparse?: SparseMode;
  kind: VtKind;
  /** VT's id: the IP, the domain, the URL's SHA-256, the file's sha256. */
  id: string;
  stats: Record<string, number>;
  reputation: number;
  tags: string[];
  threatLabel: string;
  analysedHoursAgo: number;
  /** Type-specific attributes (url, md5/sha1/sha256, as_owner, registrar…). */
  attributes: Record<string, unknown>;
}

const PRESETS = ['malicious', 'suspicious', 'clean', 'not-found'] as const;
type Preset = (typeof PRESETS)[number];
type FoundPreset = Exclude<Preset, 'not-found'>;

/** Body of PUT /__sandbox/indicators/:value: a preset answer, and/or engine counts and attributes overriding it. */
export const objectOverride = z.strictObject({
  preset: z.enum(PRESETS).optional(),
  stats: z.record(z.string(), z.number().int().min(0)).optional(),
  reputation: z.number().int().optional(),
  tags: z.array(z.string()).optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  sparse: sparseMode.optional(),
});
export type ObjectOverride = z.infer<typeof objectOverride>;

const HEX = /^[0-9a-f]+$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isFileHash(value: string): boolean {
  return HEX.test(value) && [32, 40, 64].includes(value.length);
}

export function isDomain(value: string): boolean {
  return DOMAIN.test(value);
}

/** What kind of object an indicator value names (for the control API). */
export function kindOf(value: string): VtKind | null {
  if (isIP(value)) return 'ip_address';
  if (isFileHash(value)) return 'file';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return canonicalUrl(value) ? 'url' : null;
  return isDomain(value) ? 'domain' : null;
}

/** VT's minimal canonicalisation: lower-case scheme and host, `/` path on a bare host (what WHATWG URL parsing gives). */
export function canonicalUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return ['http:', 'https:', 'ftp:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface FileHashes {
  md5: string;
  sha1: string;
  sha256: string;
}

/**
 * Objects seeded through the control API, and a stable derived answer for everything else: every valid IP exists;
 * about 10% of domains, 30% of URLs and 35% of file hashes are unknown (404); the rest split between clean,
 * a few detections and clearly malicious. Files and URLs once answered can be looked up again by their other ids.
 */
export class VirusTotalObjects {
  private readonly seeded = new Map<string, SimulatedObject | 'not-found'>();
  /** Any of a known file's hashes → all three. */
  private readonly files = new Map<string, FileHashes>();
  /** SHA-256 id of a known URL → the canonical URL. */
  private readonly urls = new Map<string, string>();

  ipAddress(ip: string): SimulatedObject | null {
    return this.lookUp('ip_address', ip.toLowerCase(), {});
  }

  domain(domain: string): SimulatedObject | null {
    return this.lookUp('domain', domain.toLowerCase(), {});
  }

  url(canonical: string): SimulatedObject | null {
    const id = sha256Hex(canonical);
    const found = this.lookUp('url', id, { url: canonical });
    if (found) this.urls.set(id, canonical);
    return found;
  }

  urlById(sha256: string): SimulatedObject | null {
    const canonical = this.urls.get(sha256.toLowerCase());
    return canonical === undefined ? null : this.url(canonical);
  }

  file(hash: string): SimulatedObject | null {
    const hashes = this.files.get(hash.toLowerCase()) ?? fileHashes(hash);
    const found = this.lookUp('file', hashes.sha256, { ...hashes });
    if (found) this.rememberFile(hashes);
    return found;
  }

  seed(value: string, kind: VtKind, override: ObjectOverride): SimulatedObject | { notFound: true } {
    const { id, identity } = this.identify(value, kind);
    const key = `${kind}:${id}`;
    if (override.preset === 'not-found') {
      this.seeded.set(key, 'not-found');
      return { notFound: true };
    }
    const current = this.seeded.get(key);
    // A preset starts afresh; otherwise the fields adjust what the sandbox answers today.
    const base = override.preset || current === undefined || current === 'not-found'
      ? derive(kind, id, identity, override.preset ?? foundPreset(kind, id))
      : current;
    const object: SimulatedObject = {
      ...base,
      stats: override.stats ? { ...zeroStats(kind), ...override.stats } : base.stats,
      reputation: override.reputation ?? base.reputation,
      tags: override.tags ?? base.tags,
      attributes: { ...base.attributes, ...override.attributes },
      ...(override.sparse ?? base.sparse ? { sparse: override.sparse ?? base.sparse } : {}),
    };
    this.seeded.set(key, object);
    if (kind === 'file') this.rememberFile({ md5: identity.md5!, sha1: identity.sha1!, sha256: id });
    if (kind === 'url') this.urls.set(id, identity.url!);
    return object;
  }

  remove(value: string, kind: VtKind): void {
    this.seeded.delete(`${kind}:${this.identify(value, kind).id}`);
  }

  list(): Record<string, SimulatedObject | 'not-found'> {
    return Object.fromEntries(this.seeded);
  }

  clear(): void {
    this.seeded.clear();
    this.files.clear();
    this.urls.clear();
  }

  private lookUp(kind: VtKind, id: string, identity: Record<string, string>): SimulatedObject | null {
    const seeded = this.seeded.get(`${kind}:${id}`);
    if (seeded === 'not-found') return null;
    if (seeded) return seeded;
    const preset = derivedPreset(kind, id);
    return preset === 'not-found' ? null : derive(kind, id, identity, preset);
  }

  private identify(value: string, kind: VtKind): { id: string; identity: Record<string, string> } {
    switch (kind) {
      case 'file': {
        const hashes = this.files.get(value.toLowerCase()) ?? fileHashes(value);
        return { id: hashes.sha256, identity: { ...hashes } };
      }
      case 'url': {
        const canonical = canonicalUrl(value)!;
        return { id: sha256Hex(canonical), identity: { url: canonical } };
      }
      default:
        return { id: value.toLowerCase(), identity: {} };
    }
  }

  private rememberFile(hashes: FileHashes): void {
    for (const hash of [hashes.md5, hashes.sha1, hashes.sha256]) this.files.set(hash, hashes);
  }
}

/** The other two hashes of a file first seen by one of them (made up, but the same every time). */
function fileHashes(hash: string): FileHashes {
  const h = hash.toLowerCase();
  return {
    md5: h.length === 32 ? h : createHash('md5').update(`vt:${h}`).digest('hex'),
    sha1: h.length === 40 ? h : createHash('sha1').update(`vt:${h}`).digest('hex'),
    sha256: h.length === 64 ? h : sha256Hex(`vt:${h}`),
  };
}

/** The share of unknown objects per kind (VT knows every valid IP) and of clean / lightly flagged ones after that. */
const BANDS: Record<VtKind, [notFound: number, clean: number, suspicious: number]> = {
  ip_address: [0, 0.6, 0.8],
  domain: [0.1, 0.65, 0.8],
  url: [0.3, 0.6, 0.75],
  file: [0.35, 0.6, 0.7],
};

function derivedPreset(kind: VtKind, id: string): Preset {
  return stableFraction(id, 'vt-standing') < BANDS[kind][0] ? 'not-found' : foundPreset(kind, id);
}

/** How the derived answer reads when the object exists (also the base for seeding an otherwise unknown object). */
function foundPreset(kind: VtKind, id: string): FoundPreset {
  const draw = stableFraction(id, 'vt-standing');
  const [, clean, suspicious] = BANDS[kind];
  if (draw < clean) return 'clean';
  if (draw < suspicious) return 'suspicious';
  return 'malicious';
}

function zeroStats(kind: VtKind): Record<string, number> {
  const base = { harmless: 0, malicious: 0, suspicious: 0, undetected: 0, timeout: 0 };
  return kind === 'file' ? { ...base, 'type-unsupported': 0, 'confirmed-timeout': 0, failure: 0 } : base;
}

function statsFor(kind: VtKind, id: string, preset: FoundPreset): Record<string, number> {
  const stats = zeroStats(kind);
  const file = kind === 'file';
  if (preset === 'malicious') stats.malicious = file ? stableInt(id, 'mal', 30, 62) : stableInt(id, 'mal', 10, 24);
  if (preset === 'suspicious') {
    stats.malicious = stableInt(id, 'mal', 1, 4);
    stats.suspicious = stableInt(id, 'sus', 0, 2);
  }
  if (file) {
    stats['type-unsupported'] = stableInt(id, 'unsupported', 4, 10);
    stats.undetected = 76 - stats.malicious! - stats.suspicious! - stats['type-unsupported']!;
  } else {
    stats.harmless = stableInt(id, 'harmless', 55, 66) - (preset === 'clean' ? 0 : stats.malicious!);
    stats.undetected = 93 - stats.harmless! - stats.malicious! - stats.suspicious!;
  }
  return stats;
}

const THREAT_LABELS = ['trojan.emotet/heodo', 'trojan.qakbot/qbot', 'ransomware.lockbit/lockbit3', 'trojan.agenttesla/agensla', 'trojan.formbook/xloader'] as const;
const NETWORKS = [
  { as_owner: 'CHINANET-BACKBONE', asn: 4134, country: 'CN', continent: 'AS', regional_internet_registry: 'APNIC' },
  { as_owner: 'DIGITALOCEAN-ASN', asn: 14061, country: 'US', continent: 'NA', regional_internet_registry: 'ARIN' },
  { as_owner: 'Hetzner Online GmbH', asn: 24940, country: 'DE', continent: 'EU', regional_internet_registry: 'RIPE NCC' },
  { as_owner: 'OVH SAS', asn: 16276, country: 'FR', continent: 'EU', regional_internet_registry: 'RIPE NCC' },
  { as_owner: 'Selectel', asn: 49505, country: 'RU', continent: 'EU', regional_internet_registry: 'RIPE NCC' },
] as const;
const REGISTRARS = ['NameCheap, Inc.', 'GoDaddy.com, LLC', 'Tucows Domains Inc.', 'REG.RU LLC', 'Porkbun LLC'] as const;
const FILE_TYPES = [
  { type_description: 'Win32 EXE', type_tag: 'peexe', extension: 'exe' },
  { type_description: 'Win32 DLL', type_tag: 'pedll', extension: 'dll' },
  { type_description: 'Office Open XML Document', type_tag: 'docx', extension: 'docx' },
  { type_description: 'ZIP', type_tag: 'zip', extension: 'zip' },
] as const;
const FILE_NAMES = ['invoice', 'payment_advice', 'scan_0042', 'setup', 'update', 'report_q3'] as const;

function derive(kind: VtKind, id: string, identity: Record<string, string>, preset: FoundPreset): SimulatedObject {
  const bad = preset !== 'clean';
  const threatLabel = stablePick(id, 'label', THREAT_LABELS);
  // Dates stay the same all day for an object (a real one does not age between two look-ups a second apart): counted
  // back from a stable instant of yesterday.
  const now = Math.floor(Date.now() / 86_400_000) * 86_400 - stableInt(id, 'time', 1, 86_400);
  const daysAgo = (salt: string, min: number, max: number) => now - stableInt(id, salt, min, max) * 86_400;
  const base = {
    kind, id, threatLabel,
    stats: statsFor(kind, id, preset),
    reputation: preset === 'malicious' ? -stableInt(id, 'rep', 10, 90) : preset === 'suspicious' ? -stableInt(id, 'rep', 0, 5) : stableInt(id, 'rep', 0, 40),
    tags: [] as string[],
    analysedHoursAgo: stableInt(id, 'analysed', 1, 240),
  };
  switch (kind) {
    case 'ip_address': {
      const network = stablePick(id, 'network', NETWORKS);
      const prefix = isIP(id) === 4 ? `${id.split('.').slice(0, 3).join('.')}.0/24` : `${id.split(':').slice(0, 3).join(':')}::/48`;
      return { ...base, attributes: { ...network, network: prefix, whois: `NetRange: ${prefix}\nOrgName: ${network.as_owner}\nCountry: ${network.country}`, whois_date: daysAgo('whois', 5, 60) } };
    }
    case 'domain':
      return {
        ...base,
        attributes: {
          registrar: stablePick(id, 'registrar', REGISTRARS),
          creation_date: daysAgo('created', bad ? 2 : 900, bad ? 60 : 7000),
          last_update_date: daysAgo('updated', 1, 300),
          whois: `Domain Name: ${id.toUpperCase()}\nRegistrar: ${stablePick(id, 'registrar', REGISTRARS)}`,
          last_dns_records: [{ type: 'A', ttl: 300, value: `203.0.113.${stableInt(id, 'a', 1, 254)}` }],
          last_dns_records_date: daysAgo('dns', 0, 5),
          categories: { 'Forcepoint ThreatSeeker': bad ? 'malicious web sites' : 'information technology' },
          ...(bad ? {} : { popularity_ranks: { Tranco: { rank: stableInt(id, 'rank', 500, 900_000), timestamp: daysAgo('rank', 0, 2) } } }),
        },
      };
    case 'url':
      return {
        ...base,
        tags: bad ? ['phishing'] : [],
        attributes: {
          url: identity.url, last_final_url: identity.url, title: bad ? 'Sign in to your account' : 'Welcome',
          first_submission_date: daysAgo('first', 5, 400), last_submission_date: daysAgo('last', 0, 4),
          times_submitted: stableInt(id, 'times', 1, 60), last_http_response_code: 200,
          categories: { 'Forcepoint ThreatSeeker': bad ? 'phishing and other frauds' : 'business and economy' },
          threat_names: bad ? ['Phishing.Generic'] : [], outgoing_links: [],
        },
      };
    case 'file': {
      const fileType = stablePick(id, 'filetype', FILE_TYPES);
      return {
        ...base,
        tags: bad ? [fileType.type_tag, 'detect-debug-environment'] : [fileType.type_tag],
        attributes: {
          ...identity, size: stableInt(id, 'size', 20_000, 4_000_000), ...fileType,
          meaningful_name: `${stablePick(id, 'name', FILE_NAMES)}.${fileType.extension}`,
          names: [`${stablePick(id, 'name', FILE_NAMES)}.${fileType.extension}`],
          first_submission_date: daysAgo('first', 3, 500), last_submission_date: daysAgo('last', 0, 3),
          times_submitted: stableInt(id, 'times', 1, 40), unique_sources: stableInt(id, 'sources', 1, 20),
          ...(bad ? {
            popular_threat_classification: {
              suggested_threat_label: threatLabel,
              popular_threat_category: [{ count: 18, value: threatLabel.split('.')[0] }],
              popular_threat_name: [{ count: 12, value: threatLabel.split('.')[1]!.split('/')[0] }],
            },
          } : {}),
        },
      };
    }
  }
}
