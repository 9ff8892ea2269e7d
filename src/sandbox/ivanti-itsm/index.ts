import { IVANTI_ITSM } from '../../sources/ivanti-itsm/vendor-id.js';
import type { SandboxDefinition } from '../kit/index.js';
import { mountIvantiControl } from './control.js';
import { ivantiApi, sendError } from './routes.js';
import { IvantiStore } from './store.js';
import { DEFAULT_TENANT } from './tenant.js';

/**
 * Simulated Ivanti Service Manager tenant: the REST (OData) API under `/api` (cloud) and `/HEAT/api` (on-prem),
 * with dates in the tenant's offset and the measured quirks of live tenants.
 */
export function createIvantiItsmSandbox(): SandboxDefinition {
  // An API key's Reference ID.
  const apiKey = '5C1E8F2A9B3D4E6F8A0B1C2D3E4F5A6B';
  const store = new IvantiStore();
  const tenant = { ...DEFAULT_TENANT };
  return {
    vendor: IVANTI_ITSM,
    basePath: '/api',
    devCredentials: { apiKey },
    faultResponder: {
      // Ivanti documents no rate limit; a gateway 429 with Retry-After is the likely shape.
      rateLimited(res, retryAfterSeconds) {
        res.status(429).set('Retry-After', String(Math.ceil(retryAfterSeconds))).type('text/plain').send('Too Many Requests');
      },
      error(res, status) {
        // An injected 401 reads like a timed-out session or a revoked key, a 404 like a wrong path.
        if (status === 401) return sendError(res, 401, 'ISM_4001', 'Invalid session key or session timed out', ['Authentication required']);
        if (status === 404) return sendError(res, 404, 'ISM_4004', 'Invalid Path', ['Requested resource not found']);
        // 5xx bodies can arrive with an empty message list.
        sendError(res, status, status >= 500 ? 'ISM_5000' : 'ISM_4000', status >= 500 ? 'Internal Server Error' : 'Invalid Request Payload', []);
      },
    },
    mount(app, ctx) {
      mountIvantiControl(app, store, tenant);
      app.use(['/api', '/HEAT/api'], ivantiApi({ apiKey, store, tenant, ctx }));
    },
    reset() {
      store.clear();
      Object.assign(tenant, DEFAULT_TENANT);
    },
  };
}
