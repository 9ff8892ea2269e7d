import { HYBRID_ANALYSIS } from '../../sources/hybrid-analysis/vendor-id.js';
import { mountQuotaControl, QuotaCounter, type QuotaLimits, type SandboxDefinition } from '../kit/index.js';
import { mountIndicatorControl } from './control.js';
import { hybridAnalysisApi, sendMessage } from './routes.js';
import { HybridAnalysisSamples } from './samples.js';

/** What the public API was seen to grant a key: 200 requests a minute, 2,000 an hour. */
const PUBLIC_KEY_QUOTA: QuotaLimits = { perMinute: 200, perHour: 2000 };

/** Simulated Hybrid Analysis API v2 (`/api/v2`): hash search, sample overview, key info, per-key minute/hour quota. */
export function createHybridAnalysisSandbox(): SandboxDefinition {
  const apiKey = 'kq3x9v7d2m4p8s1t6w0z5b3n7c9f2h4j6l8r1y3a5e7g9i0u2o4';
  const samples = new HybridAnalysisSamples();
  const quota = new QuotaCounter({ ...PUBLIC_KEY_QUOTA });
  return {
    vendor: HYBRID_ANALYSIS,
    basePath: '/api/v2',
    devCredentials: { apiKey },
    faultResponder: {
      // An injected 429 reads like a spent minute window: HA signals it through `api-limits`, not Retry-After.
      rateLimited(res) {
        const limit = quota.limits.perMinute ?? 200;
        res.set('api-limits', JSON.stringify({ limits: { minute: limit }, used: { minute: limit }, limit_reached: true, name_of_reached_limit: 'minute' }));
        sendMessage(res, 429, { message: `Exceeded maximum API requests per minute(${limit})` });
      },
      error(res, status) {
        sendMessage(res, status, { message: 'Internal Server Error' });
      },
    },
    mount(app) {
      mountQuotaControl(app, quota);
      mountIndicatorControl(app, samples);
      app.use('/api/v2', hybridAnalysisApi({ apiKey, samples, quota }));
    },
    reset() {
      samples.clear();
      quota.limits = { ...PUBLIC_KEY_QUOTA };
      quota.reset();
    },
  };
}
