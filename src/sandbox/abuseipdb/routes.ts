import { isIP } from 'node:net';
import { sparsen } from '../kit/index.js';
import express, { type Request, type Response, type Router } from 'express';
import type { AbuseIpdbCheck, AbuseIpdbErrorBody, AbuseIpdbReport } from '../../sources/abuseipdb/wire.js';
import { stableInt, stablePick, type QuotaCounter, type QuotaDecision } from '../kit/index.js';
import { isReservedIp, type AbuseIpdbIndicators, type SimulatedIp } from './indicators.js';

const AUTH_FAILED = 'Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.';
const INVALID_IP = 'The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).';

/** The verbose answer lists at most this many reports (the real cap is 10,000; tests need no more). */
const MAX_REPORTS = 100;

const COUNTRY_NAMES: Record<string, string> = {
  CN: 'China', RU: 'Russia', US: 'United States', NL: 'Netherlands', BR: 'Brazil', DE: 'Germany', VN: 'Vietnam',
  GB: 'United Kingdom', FR: 'France', JP: 'Japan', IN: 'India',
};
const REPORTER_COUNTRIES = ['US', 'DE', 'GB', 'FR', 'NL', 'JP', 'IN'] as const;

const COMMENTS: Record<number, string> = {
  4: 'SYN flood towards our edge, ~40k pps',
  5: 'FTP login attempts with rotating usernames',
  7: 'Phishing page impersonating a bank login',
  10: 'Comment spam on contact form',
  11: 'Spam run, SPF fail, blocklisted sender',
  14: 'Port scan: TCP 22,23,80,443,3389,8080',
  15: 'Exploit attempts against exposed services',
  17: 'Spoofed sender in SMTP envelope',
  18: 'Repeated failed logins (brute force)',
  19: 'Crawler ignoring robots.txt, 20 req/s',
  21: 'GET /wp-login.php and /.env probing',
  22: 'sshd[13937]: Invalid user oracle from the reported address',
};

export interface AbuseIpdbApiDeps {
  apiKey: string;
  indicators: AbuseIpdbIndicators;
  quota: QuotaCounter;
}

/** AbuseIPDB API v2 as the hub uses it: `Key` auth, per-key daily quota with X-RateLimit-* headers, GET /check. */
export function abuseIpdbApi({ apiKey, indicators, quota }: AbuseIpdbApiDeps): Router {
  const api = express.Router();

  api.use((req, res, next) => {
    // The docs discourage the `key` query parameter but the API still accepts it.
    const presented = req.get('Key') ?? (typeof req.query.key === 'string' ? req.query.key : undefined);
    if (presented !== apiKey) return void sendError(res, 401, { detail: AUTH_FAILED, status: 401 });
    const decision = quota.take();
    setRateLimitHeaders(res, decision, quota);
    if (!decision.allowed) {
      res.set('Retry-After', String(decision.resetSeconds));
      const window = decision.window === 'day' ? 'Daily' : decision.window === 'hour' ? 'Hourly' : 'Per-minute';
      return void sendError(res, 429, { detail: `${window} rate limit of ${decision.limit} requests exceeded for this endpoint. See headers for additional details.`, status: 429 });
    }
    next();
  });

  api.get('/check', (req, res) => {
    const ipAddress = typeof req.query.ipAddress === 'string' ? req.query.ipAddress.trim() : '';
    if (!ipAddress) return void sendError(res, 422, { detail: 'The ip address field is required.', status: 422, source: { parameter: 'ipAddress' } });
    if (!isIP(ipAddress)) return void sendError(res, 422, { detail: INVALID_IP, status: 422, source: { parameter: 'ipAddress' } });
    const maxAgeInDays = req.query.maxAgeInDays === undefined ? 30 : Number(req.query.maxAgeInDays);
    if (!Number.isInteger(maxAgeInDays) || maxAgeInDays < 1 || maxAgeInDays > 365) {
      return void sendError(res, 422, { detail: 'The max age in days must be between 1 and 365.', status: 422, source: { parameter: 'maxAgeInDays' } });
    }
    const verbose = req.query.verbose !== undefined;
    const ip = indicators.get(ipAddress);
    const data = checkAnswer(ipAddress, ip, maxAgeInDays, verbose) as unknown as Record<string, unknown>;
    res.json({ data: ip.sparse ? sparsen(data, ip.sparse, ['ipAddress', 'abuseConfidenceScore', 'totalReports']) : data });
  });

  api.use((_req: Request, res: Response) => sendError(res, 404, { detail: 'The requested resource could not be found.', status: 404 }));
  return api;
}

/**
 * The four headers AbuseIPDB sends on every answer: the refusing window on a 429, otherwise the window that
 * binds (the daily one, AbuseIPDB's only window, unless a test configured others alone).
 */
function setRateLimitHeaders(res: Response, decision: QuotaDecision, quota: QuotaCounter): void {
  const now = Math.floor(Date.now() / 1000);
  if (!decision.allowed) {
    res.set({ 'X-RateLimit-Limit': String(decision.limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(now + decision.resetSeconds) });
    return;
  }
  const { perMinute, perHour, perDay } = quota.limits;
  const used = quota.usage();
  const binding =
    perDay !== undefined ? { limit: perDay, count: used.day, seconds: 86_400 }
      : perHour !== undefined ? { limit: perHour, count: used.hour, seconds: 3_600 }
        : perMinute !== undefined ? { limit: perMinute, count: used.minute, seconds: 60 } : undefined;
  if (!binding) return;
  res.set({
    'X-RateLimit-Limit': String(binding.limit),
    'X-RateLimit-Remaining': String(Math.max(0, binding.limit - binding.count)),
    'X-RateLimit-Reset': String(now - (now % binding.seconds) + binding.seconds),
  });
}

function checkAnswer(ipAddress: string, ip: SimulatedIp, maxAgeInDays: number, verbose: boolean): AbuseIpdbCheck {
  const now = Date.now();
  const windowHours = maxAgeInDays * 24;
  // Reports older than the asked window do not count.
  const inWindow = ip.lastReportedHoursAgo !== null && ip.lastReportedHoursAgo <= windowHours && ip.totalReports > 0;
  const lastReportedAt = ip.lastReportedHoursAgo === null ? null : now - ip.lastReportedHoursAgo * 3_600_000;
  const answer: AbuseIpdbCheck = {
    ipAddress,
    isPublic: !isReservedIp(ipAddress),
    ipVersion: isIP(ipAddress) === 6 ? 6 : 4,
    isWhitelisted: ip.isWhitelisted,
    abuseConfidenceScore: inWindow ? ip.abuseConfidenceScore : 0,
    countryCode: ip.countryCode,
    usageType: ip.usageType,
    isp: ip.isp,
    domain: ip.domain,
    hostnames: ip.hostnames,
    isTor: ip.isTor,
    totalReports: inWindow ? ip.totalReports : 0,
    numDistinctUsers: inWindow ? ip.numDistinctUsers : 0,
    lastReportedAt: lastReportedAt === null ? null : abuseIpdbTime(lastReportedAt),
  };
  if (!verbose) return answer;
  const reports = inWindow && lastReportedAt !== null ? simulatedReports(ipAddress, ip, lastReportedAt, now - windowHours * 3_600_000) : [];
  return { ...answer, countryName: ip.countryCode ? COUNTRY_NAMES[ip.countryCode] ?? null : null, reports };
}

/** Reports spread evenly from the newest back towards the window's start, newest first. */
function simulatedReports(ipAddress: string, ip: SimulatedIp, newest: number, windowStart: number): AbuseIpdbReport[] {
  const count = Math.min(ip.totalReports, MAX_REPORTS);
  const step = Math.max(60_000, (newest - windowStart) / count);
  const categories = ip.categories.length ? ip.categories : [18];
  return Array.from({ length: count }, (_, i) => {
    const reporterCountryCode = stablePick(ipAddress, `reporter-country-${i}`, REPORTER_COUNTRIES);
    const category = categories[i % categories.length]!;
    return {
      reportedAt: abuseIpdbTime(newest - i * step),
      comment: COMMENTS[category] ?? null,
      categories: i % 3 === 0 ? categories.slice(0, 2) : [category],
      reporterId: stableInt(ipAddress, `reporter-${i}`, 1, 250_000),
      reporterCountryCode,
      reporterCountryName: COUNTRY_NAMES[reporterCountryCode] ?? null,
    };
  });
}

/** AbuseIPDB writes times as ISO 8601 with `+00:00`, seconds precision. */
function abuseIpdbTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** AbuseIPDB's JSON:API error body: one error, its `status` mirroring the HTTP status. */
export function sendError(res: Response, status: number, error: AbuseIpdbErrorBody['errors'][number]): void {
  const body: AbuseIpdbErrorBody = { errors: [error] };
  res.status(status).json(body);
}
