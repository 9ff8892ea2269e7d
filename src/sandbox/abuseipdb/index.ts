import { ABUSEIPDB } from '../../sources/abuseipdb/vendor-id.js';
import { mountQuotaControl, QuotaCounter, type FaultResponder, type QuotaLimits, type SandboxDefinition } from '../kit/index.js';
import { mountIndicatorControl } from './control.js';
import { AbuseIpdbIndicators } from './indicators.js';
import { abuseIpdbApi, sendError } from './routes.js';

/** The free (Individual) plan: 1,000 /check calls per UTC day. */
const FREE_PLAN: QuotaLimits = { perDay: 1000 };

/**
 * AbuseIPDB sends the X-RateLimit-* headers on every answer and adds Retry-After on a 429, so an injected 429 reads
 * like a spent budget: the plan's limit, nothing remaining, reset when Retry-After ends, and the documented body.
 */
function abuseIpdbFaults(quota: QuotaCounter): FaultResponder {
  return {
    rateLimited(res, retryAfterSeconds) {
      const wait = Math.ceil(retryAfterSeconds);
      const { perDay, perHour, perMinute } = quota.limits;
      const limit = perDay ?? perHour ?? perMinute ?? FREE_PLAN.perDay!;
      const window = perDay !== undefined ? 'Daily' : perHour !== undefined ? 'Hourly' : perMinute !== undefined ? 'Per-minute' : 'Daily';
      res.set({
        'Retry-After': String(wait),
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + wait),
      });
      sendError(res, 429, { detail: `${window} rate limit of ${limit} requests exceeded for this endpoint. See headers for additional details.`, status: 429 });
    },
    error(res, status) {
      sendError(res, status, { detail: 'Server Error', status });
    },
  };
}

/** Simulated AbuseIPDB API v2 (`/api/v2`): GET /check with its quota headers, seedable per-IP answers. */
export function createAbuseIpdbSandbox(): SandboxDefinition {
  const apiKey = 'd41c5b0f7e9a3b2c8e6f1a4d7c0b9e8f2a5d3c6b1e4f7a0d9c2b5e8f1a4d7c0b3e6f9a2c5b8e1d4f7';
  const indicators = new AbuseIpdbIndicators();
  const quota = new QuotaCounter({ ...FREE_PLAN });
  return {
    vendor: ABUSEIPDB,
    basePath: '/api/v2',
    devCredentials: { apiKey },
    faultResponder: abuseIpdbFaults(quota),
    mount(app) {
      mountQuotaControl(app, quota);
      mountIndicatorControl(app, indicators);
      app.use('/api/v2', abuseIpdbApi({ apiKey, indicators, quota }));
    },
    reset() {
      indicators.clear();
      quota.limits = { ...FREE_PLAN };
      quota.reset();
    },
  };
}
