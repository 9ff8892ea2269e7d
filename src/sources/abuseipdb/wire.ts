import { z } from 'zod';

/** Report category ids as AbuseIPDB numbers them (https://www.abuseipdb.com/categories). */
export const ABUSEIPDB_CATEGORIES: Readonly<Record<number, string>> = {
  1: 'DNS Compromise', 2: 'DNS Poisoning', 3: 'Fraud Orders', 4: 'DDoS Attack', 5: 'FTP Brute-Force',
  6: 'Ping of Death', 7: 'Phishing', 8: 'Fraud VoIP', 9: 'Open Proxy', 10: 'Web Spam', 11: 'Email Spam',
  12: 'Blog Spam', 13: 'VPN IP', 14: 'Port Scan', 15: 'Hacking', 16: 'SQL Injection', 17: 'Spoofing',
  18: 'Brute-Force', 19: 'Bad Web Bot', 20: 'Exploited Host', 21: 'Web App Attack', 22: 'SSH', 23: 'IoT Targeted',
};

/** One report in a verbose /check answer (newest first). Only its categories are used, and those may be missing too. */
export const abuseIpdbReport = z.object({
  reportedAt: z.string().nullish(),
  comment: z.string().nullish(),
  categories: z.array(z.number().int()).nullish(),
  reporterId: z.number().int().nullish(),
  reporterCountryCode: z.string().nullish(),
  reporterCountryName: z.string().nullish(),
});

/**
 * `data` of GET /check. A valid IP always gets a record: one nobody reported has `totalReports: 0`,
 * `abuseConfidenceScore: 0` and `lastReportedAt: null` (there is no 404). `totalReports`/`numDistinctUsers`
 * count only the `maxAgeInDays` window; `countryName` and `reports` come only with `verbose`. The verdict needs
 * `ipAddress`, `abuseConfidenceScore` and `totalReports`; every other field may be null or missing.
 */
export const abuseIpdbCheck = z.object({
  ipAddress: z.string(),
  isPublic: z.boolean().nullish(),
  ipVersion: z.union([z.literal(4), z.literal(6)]).nullish(),
  isWhitelisted: z.boolean().nullish(),
  abuseConfidenceScore: z.number().int().min(0).max(100),
  countryCode: z.string().nullish(),
  countryName: z.string().nullish(),
  usageType: z.string().nullish(),
  isp: z.string().nullish(),
  domain: z.string().nullish(),
  hostnames: z.array(z.string()).nullish(),
  // A newer field: older answers lack it.
  isTor: z.boolean().nullish(),
  totalReports: z.number().int().min(0),
  numDistinctUsers: z.number().int().min(0).nullish(),
  lastReportedAt: z.string().nullish(),
  reports: z.array(abuseIpdbReport).nullish(),
});
export type AbuseIpdbCheck = z.infer<typeof abuseIpdbCheck>;
export type AbuseIpdbReport = z.infer<typeof abuseIpdbReport>;

export const abuseIpdbCheckResponse = z.object({ data: abuseIpdbCheck });

/** JSON:API-style error body; `status` mirrors the HTTP status (an integer in the docs, a string for some clients). */
export interface AbuseIpdbErrorBody {
  errors: { detail: string; status: number; source?: { parameter: string } }[];
}
