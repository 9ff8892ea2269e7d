import { VIRUSTOTAL } from '../../sources/virustotal/vendor-id.js';
import { mountQuotaControl, QuotaCounter, type FaultResponder, type QuotaLimits, type SandboxDefinition } from '../kit/index.js';
import { mountIndicatorControl } from './control.js';
import { mountQuotaClockControl, QuotaClock } from './quota-clock.js';
import { VirusTotalObjects } from './objects.js';
import { sendError, virusTotalApi } from './routes.js';

/** A public (free) API key: 4 requests a minute, 500 a day. */
const PUBLIC_KEY_QUOTA: QuotaLimits = { perMinute: 4, perDay: 500 };

/** Error codes VT documents per status (an injected fault speaks VT's envelope too). */
const ERROR_CODES: Record<number, string> = {
  400: 'BadRequestError', 401: 'WrongCredentialsError', 403: 'ForbiddenError', 404: 'NotFoundError',
  409: 'AlreadyExistsError', 424: 'FailedDependencyError', 504: 'DeadlineExceededError',
};

const virusTotalFaults: FaultResponder = {
  // VT documents no rate-limit headers, so an injected burst refusal carries no Retry-After either.
  rateLimited(res) {
    sendError(res, 429, 'TooManyRequestsError', 'Too many requests');
  },
  error(res, status) {
    sendError(res, status, ERROR_CODES[status] ?? (status >= 500 ? 'TransientError' : 'BadRequestError'), 'Injected fault');
  },
};

/** Simulated VirusTotal API v3 (`/api/v3`): IP, domain, URL and file objects with a public key's quota. */
export function createVirusTotalSandbox(): SandboxDefinition {
  const apiKey = '7c4a8d09ca3762af61e59520943dc26494f8941b7c4a8d09ca3762af61e59520';
  const objects = new VirusTotalObjects();
  const clock = new QuotaClock();
  const quota = new QuotaCounter({ ...PUBLIC_KEY_QUOTA }, clock.now);
  return {
    vendor: VIRUSTOTAL,
    basePath: '/api/v3',
    devCredentials: { apiKey },
    faultResponder: virusTotalFaults,
    mount(app, ctx) {
      mountQuotaControl(app, quota);
      mountQuotaClockControl(app, clock);
      mountIndicatorControl(app, objects);
      app.use('/api/v3', virusTotalApi({ apiKey, objects, quota, ctx }));
    },
    reset() {
      objects.clear();
      quota.limits = { ...PUBLIC_KEY_QUOTA };
      clock.scale = 1;
      quota.reset();
    },
  };
}
