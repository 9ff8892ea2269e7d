import { BlockList, isIP } from 'node:net';
import { sparseMode, type SparseMode } from '../kit/index.js';
import { z } from 'zod';
import { stableFraction, stableInt, stablePick } from '../kit/index.js';

/** What the simulated AbuseIPDB knows about one IP, before an answer is cut to the asked `maxAgeInDays`. */
export interface SimulatedIp {
  /** Answer with every field but `ipAddress`, `abuseConfidenceScore` and `totalReports` sparse (null / absent). */
  sparse?: SparseMode;
  abuseConfidenceScore: number;
  totalReports: number;
  numDistinctUsers: number;
  countryCode: string | null;
  usageType: string | null;
  isp: string | null;
  domain: string | null;
  hostnames: string[];
  isWhitelisted: boolean | null;
  isTor: boolean;
  /** Category ids reporters use for this IP (the generated reports draw from them). */
  categories: number[];
  /** Hours before "now" of the newest report (null when never reported). */
  lastReportedHoursAgo: number | null;
}

const PRESETS = ['malicious', 'suspicious', 'clean', 'not-found'] as const;

/** Body of PUT /__sandbox/indicators/:ip: a preset answer, and/or fields overriding it (or the derived answer). */
export const ipOverride = z.strictObject({
  preset: z.enum(PRESETS).optional(),
  abuseConfidenceScore: z.number().int().min(0).max(100).optional(),
  totalReports: z.number().int().min(0).optional(),
  numDistinctUsers: z.number().int().min(0).optional(),
  countryCode: z.string().length(2).nullable().optional(),
  usageType: z.string().nullable().optional(),
  isp: z.string().nullable().optional(),
  domain: z.string().nullable().optional(),
  hostnames: z.array(z.string()).optional(),
  isWhitelisted: z.boolean().nullable().optional(),
  isTor: z.boolean().optional(),
  categories: z.array(z.number().int().min(1).max(23)).optional(),
  lastReportedHoursAgo: z.number().min(0).nullable().optional(),
  sparse: sparseMode.optional(),
});
export type IpOverride = z.infer<typeof ipOverride>;

const NETWORKS = [
  { countryCode: 'CN', isp: 'Tencent Cloud Computing (Beijing) Co. Ltd', domain: 'tencent.com', usageType: 'Data Center/Web Hosting/Transit' },
  { countryCode: 'RU', isp: 'JSC Selectel', domain: 'selectel.ru', usageType: 'Data Center/Web Hosting/Transit' },
  { countryCode: 'US', isp: 'DigitalOcean LLC', domain: 'digitalocean.com', usageType: 'Data Center/Web Hosting/Transit' },
  { countryCode: 'NL', isp: 'Hetzner Online GmbH', domain: 'hetzner.com', usageType: 'Data Center/Web Hosting/Transit' },
  { countryCode: 'BR', isp: 'Claro S.A.', domain: 'claro.com.br', usageType: 'Fixed Line ISP' },
  { countryCode: 'DE', isp: 'Deutsche Telekom AG', domain: 'telekom.de', usageType: 'Fixed Line ISP' },
  { countryCode: 'VN', isp: 'Viettel Group', domain: 'viettel.com.vn', usageType: 'Mobile ISP' },
] as const;

/** Categories that tend to come together in real reports. */
const CATEGORY_SETS = [[18, 22], [14, 15], [21, 19], [11, 10], [4], [7, 17], [18, 5]] as const;

/** Private, loopback, link-local and other reserved ranges: AbuseIPDB answers isPublic false, score 0. */
const RESERVED = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.168.0.0', 16], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) RESERVED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) RESERVED.addSubnet(network, prefix, 'ipv6');

export function isReservedIp(ip: string): boolean {
  return RESERVED.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * IPs seeded through the control API, and a stable derived answer for every other public IP: about 45% never
 * reported, the rest spread over low, suspicious and abusive scores (the same IP always gets the same answer).
 */
export class AbuseIpdbIndicators {
  private readonly seeded = new Map<string, SimulatedIp>();

  get(ip: string): SimulatedIp {
    return this.seeded.get(key(ip)) ?? derive(ip);
  }

  seed(ip: string, override: IpOverride): SimulatedIp {
    const { preset, ...fields } = override;
    const base = preset ? { ...derive(ip), ...presetFields(preset) } : this.get(ip);
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const record: SimulatedIp = { ...base, ...defined };
    this.seeded.set(key(ip), record);
    return record;
  }

  remove(ip: string): boolean {
    return this.seeded.delete(key(ip));
  }

  list(): Record<string, SimulatedIp> {
    return Object.fromEntries(this.seeded);
  }

  clear(): void {
    this.seeded.clear();
  }
}

function key(ip: string): string {
  return ip.trim().toLowerCase();
}

function presetFields(preset: (typeof PRESETS)[number]): Partial<SimulatedIp> {
  switch (preset) {
    case 'malicious':
      return { abuseConfidenceScore: 100, totalReports: 412, numDistinctUsers: 97, isWhitelisted: false, categories: [18, 22, 14], lastReportedHoursAgo: 1 };
    case 'suspicious':
      return { abuseConfidenceScore: 46, totalReports: 9, numDistinctUsers: 6, isWhitelisted: false, categories: [14], lastReportedHoursAgo: 30 };
    case 'clean':
      return { abuseConfidenceScore: 0, totalReports: 0, numDistinctUsers: 0, isWhitelisted: true, categories: [], lastReportedHoursAgo: null };
    case 'not-found':
      return { abuseConfidenceScore: 0, totalReports: 0, numDistinctUsers: 0, isWhitelisted: false, categories: [], lastReportedHoursAgo: null };
  }
}

function derive(ip: string): SimulatedIp {
  const network = stablePick(ip, 'network', NETWORKS);
  const quiet: SimulatedIp = {
    abuseConfidenceScore: 0, totalReports: 0, numDistinctUsers: 0, ...network, hostnames: [],
    isWhitelisted: false, isTor: false, categories: [], lastReportedHoursAgo: null,
  };
  if (isReservedIp(ip)) return { ...quiet, countryCode: null, isp: null, domain: null, usageType: 'Reserved', isWhitelisted: null };
  const draw = stableFraction(ip, 'standing');
  if (draw < 0.45) return quiet;
  const [minScore, maxScore, minReports, maxReports] =
    draw < 0.7 ? [1, 19, 1, 3] : draw < 0.85 ? [20, 79, 3, 40] : [80, 100, 40, 900];
  const totalReports = stableInt(ip, 'reports', minReports, maxReports);
  return {
    ...quiet,
    abuseConfidenceScore: stableInt(ip, 'score', minScore, maxScore),
    totalReports,
    numDistinctUsers: Math.max(1, Math.round(totalReports * stableInt(ip, 'users', 20, 90) / 100)),
    isTor: stableFraction(ip, 'tor') < 0.03,
    categories: [...stablePick(ip, 'categories', CATEGORY_SETS)],
    lastReportedHoursAgo: stableInt(ip, 'last', 0, 72),
  };
}
