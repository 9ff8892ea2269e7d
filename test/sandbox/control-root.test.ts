import { createSecureworksCtpSandbox } from '../../src/sandbox/secureworks-ctp/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox(createSecureworksCtpSandbox());
});

afterAll(async () => {
  await sandbox?.close();
});

describe('sandbox control root', () => {
  it('GET /__sandbox/ lists the control routes: the shared ones and the vendor\'s', async () => {
    const response = await fetch(`${sandbox.origin}/__sandbox/`);
    expect(response.status).toBe(200);
    const body = await response.json() as { vendor: string; api: string; routes: string[] };
    expect(body.vendor).toBe('SECUREWORKS_CTP');
    expect(body.api).toBe(sandbox.apiUrl);
    expect(body.routes).toEqual(expect.arrayContaining(['GET /__sandbox/', 'GET /__sandbox/calls', 'POST /__sandbox/reset', 'PUT /__sandbox/faults',
      'POST /__sandbox/seed', 'POST /__sandbox/tickets', 'GET /__sandbox/tickets/:ticketId', 'GET /__sandbox/writes']));
  });
});
