import { IBM_RESILIENT } from '../../sources/ibm-resilient/vendor-id.js';
import type { FaultResponder, SandboxDefinition } from '../kit/index.js';
import { resilientApiRouter } from './api-routes.js';
import { resilientControlRouter } from './control-routes.js';
import { sendResilientError } from './resilient-error.js';
import { ResilientStore } from './store.js';

const devCredentials = { apiKeyId: '7d3e2c1a-5b4f-4a8e-9c0d-1e2f3a4b5c6d', apiKeySecret: 'soar-sandbox-secret-Qm9sZFN0YXJ0' };

/** SOAR documents no rate limit; injected faults answer with its error DTO. */
const resilientFaults: FaultResponder = {
  rateLimited(res, retryAfterSeconds) {
    res.set('Retry-After', String(Math.ceil(retryAfterSeconds)));
    sendResilientError(res, 429, 'Too Many Requests (sandbox throttle; SOAR documents no rate limit)');
  },
  error(res, status) {
    // A 409 on PATCH is SOAR's database clash, which IBM's client answers by resending.
    sendResilientError(res, status, status === 409 ? 'Conflict: the object was changed by another transaction' : `Injected fault ${status}`);
  },
};

/** IBM Resilient / QRadar SOAR REST API simulator (vendor notes A, B10), with fn_secureworks_ctp's fields. */
export function createIbmResilientSandbox(): SandboxDefinition {
  const store = new ResilientStore();
  return {
    vendor: IBM_RESILIENT,
    basePath: '', // the REST API sits at the host root: /rest/session, /rest/orgs/{id}/...
    devCredentials,
    faultResponder: resilientFaults,
    mount(app) {
      app.use('/__sandbox', resilientControlRouter(store));
      app.use(resilientApiRouter(store, devCredentials));
    },
    reset: () => store.reset(),
  };
}
