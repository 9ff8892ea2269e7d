import { CYWARE_CFTR } from '../../sources/cyware-cftr/vendor-id.js';
import type { FaultResponder, SandboxDefinition } from '../kit/index.js';
import { cftrControlRouter } from './control.js';
import { cftrApiRouter, throttled } from './routes.js';
import { CftrStore } from './store.js';

/** Open API credentials the sandbox tenant accepts (Admin Panel > Open APIs: Access ID / Secret Key). */
const DEV_CREDENTIALS = { accessId: '0d9b6a7e-41c2-4f85-8e3a-5b7c2d1f9e22', secretKey: 'cftr-sandbox-secret-key-0001' };

/** Respond throttles without documented headers; errors in Django REST framework's `detail` shape. */
const cftrFaults: FaultResponder = {
  rateLimited(res, retryAfterSeconds) {
    res.status(429).json(throttled(Math.ceil(retryAfterSeconds)));
  },
  error(res, status) {
    res.status(status).json({ detail: status >= 500 ? 'A server error occurred.' : 'Request failed.' });
  },
};

/** Cyware Respond (CFTR) simulator, API under `/cftrapi/openapi`. */
export function createCywareCftrSandbox(): SandboxDefinition {
  const store = new CftrStore();
  const secrets = new Map([[DEV_CREDENTIALS.accessId, DEV_CREDENTIALS.secretKey]]);
  return {
    vendor: CYWARE_CFTR,
    basePath: '/cftrapi/openapi',
    devCredentials: { ...DEV_CREDENTIALS },
    faultResponder: cftrFaults,
    mount(app) {
      app.use('/__sandbox', cftrControlRouter(store));
      app.use('/cftrapi/openapi', cftrApiRouter(store, secrets));
    },
    reset() {
      store.reset();
    },
  };
}
