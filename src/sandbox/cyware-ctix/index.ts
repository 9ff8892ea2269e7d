import { CYWARE_CTIX } from '../../sources/cyware-ctix/vendor-id.js';
import type { FaultResponder, SandboxDefinition } from '../kit/index.js';
import { ctixControlRouter } from './control.js';
import { ctixApiRouter, throttled } from './routes.js';
import { CtixStore } from './store.js';

/** Open API credentials the sandbox tenant accepts (a bot user's Access ID / Secret Key). */
const DEV_CREDENTIALS = { accessId: '6f1c2b9e-7d4a-4e2f-9b1d-3c5a8e7f0a11', secretKey: 'ctix-sandbox-secret-key-0001' };

/** CTIX answers throttling without Retry-After or rate-limit headers; errors in its `message`/`status_code` shape. */
const ctixFaults: FaultResponder = {
  rateLimited(res, retryAfterSeconds) {
    res.status(429).json(throttled(Math.ceil(retryAfterSeconds)));
  },
  error(res, status) {
    res.status(status).json({ message: status >= 500 ? 'Internal server error' : 'Request failed', status_code: status });
  },
};

/** Cyware Intel Exchange (CTIX v3) simulator, API under `/ctixapi`. */
export function createCywareCtixSandbox(): SandboxDefinition {
  const store = new CtixStore();
  const secrets = new Map([[DEV_CREDENTIALS.accessId, DEV_CREDENTIALS.secretKey]]);
  return {
    vendor: CYWARE_CTIX,
    basePath: '/ctixapi',
    devCredentials: { ...DEV_CREDENTIALS },
    faultResponder: ctixFaults,
    mount(app) {
      app.use('/__sandbox', ctixControlRouter(store));
      app.use('/ctixapi', ctixApiRouter(store, secrets));
    },
    reset() {
      store.reset();
    },
  };
}
