import { SECUREWORKS_CTP } from '../../sources/secureworks-ctp/vendor-id.js';
import type { FaultResponder, SandboxDefinition } from '../kit/index.js';
import { ctpApiRouter, ctpError } from './api-routes.js';
import { ctpControlRouter } from './control-routes.js';
import { CtpStore } from './store.js';

const devCredentials = { username: 'soc-api@sandbox.example', password: 'ctp-sandbox-api-key-4f1c9e' };

/** CTP documents no rate limit; a 429 here is a clearly non-vendor throttle for resilience tests. */
const ctpFaults: FaultResponder = {
  rateLimited(res, retryAfterSeconds) {
    res.set('Retry-After', String(Math.ceil(retryAfterSeconds)));
    ctpError(res, 429, 'Too Many Requests (sandbox throttle; CTP documents no rate limit)');
  },
  error(res, status) {
    ctpError(res, status, `Injected fault ${status}`);
  },
};

/** Secureworks CTP Ticket API v3 simulator (vendor notes §10): the updates feed, acknowledgements, closes. */
export function createSecureworksCtpSandbox(): SandboxDefinition {
  const store = new CtpStore();
  return {
    vendor: SECUREWORKS_CTP,
    basePath: '/api/ticket/v3',
    devCredentials,
    faultResponder: ctpFaults,
    mount(app) {
      app.use('/__sandbox', ctpControlRouter(store));
      app.use('/api/ticket/v3', ctpApiRouter(store, devCredentials));
    },
    reset: () => store.reset(),
  };
}
