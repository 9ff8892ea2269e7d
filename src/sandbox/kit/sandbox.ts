import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request, type Response, type NextFunction } from 'express';
import selfsigned from 'selfsigned';
import type { Vendor } from '../../domain/vendor.js';
import { childLogger } from '../../observability/logger.js';
import { CallLog } from './call-log.js';
import { FaultInjector, defaultResponder, type FaultResponder } from './faults.js';

/** What every vendor sandbox gets from the kit. */
export interface SandboxContext {
  vendor: Vendor;
  calls: CallLog;
  faults: FaultInjector;
  log: ReturnType<typeof childLogger>;
  /** The sandbox's own origin once listening (e.g. for URLs in answers, such as `next` links). */
  origin(): string;
}

/**
 * A vendor simulator. `mount` adds the vendor's API routes (auth, wire shapes, paging, errors) and any
 * vendor-specific control routes under `/__sandbox/`; the kit adds the shared ones (calls, faults, reset).
 */
export interface SandboxDefinition {
  vendor: Vendor;
  /** Path of the vendor API under the sandbox origin, e.g. `/api/ticket/v3`; the hub's baseUrl is origin + basePath. */
  basePath: string;
  /** Credentials the sandbox accepts; `npm start` without config hands these to the hub's source. */
  devCredentials: Record<string, string>;
  /** How this vendor answers 429 and injected errors. */
  faultResponder?: FaultResponder;
  mount(app: Express, ctx: SandboxContext): void;
  /** Forget all data (POST /__sandbox/reset); seed defaults again if the vendor has any. */
  reset(): void;
}

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Serve HTTPS with a self-signed certificate (its PEM is on the handle, for caFile tests). */
  tls?: boolean;
}

export interface RunningSandbox {
  vendor: Vendor;
  origin: string;
  /** origin + basePath: what a source's baseUrl points at. */
  apiUrl: string;
  credentials: Record<string, string>;
  /** PEM of the self-signed certificate when served over HTTPS. */
  certificatePem?: string;
  calls: CallLog;
  faults: FaultInjector;
  definition: SandboxDefinition;
  close(): Promise<void>;
}

export async function startSandbox(definition: SandboxDefinition, options: SandboxOptions = {}): Promise<RunningSandbox> {
  const calls = new CallLog();
  const faults = new FaultInjector(definition.faultResponder ?? defaultResponder);
  const log = childLogger({ sandbox: definition.vendor });
  let origin = '';
  const ctx: SandboxContext = { vendor: definition.vendor, calls, faults, log, origin: () => origin };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(calls.middleware());
  app.use(faults.middleware());
  mountSharedControl(app, definition, calls, faults);
  definition.mount(app, ctx);
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return void res.status(400).json({ error: 'malformed JSON body' });
    log.error({ err }, 'sandbox route failed');
    res.status(err.status ?? 500).json({ error: err.message });
  });

  let server: Server;
  let certificatePem: string | undefined;
  if (options.tls) {
    const pems = await selfsigned.generate(
      [{ name: 'commonName', value: 'localhost' }],
      // An EC P-256 key: ~20 ms to make, against ~260 ms for RSA 2048 on every start of a TLS sandbox.
      { days: 30, keyType: 'ec', curve: 'P-256', algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }] } as never,
    );
    certificatePem = pems.cert;
    server = createHttpsServer({ key: pems.private, cert: pems.cert }, app);
  } else {
    server = createHttpServer(app);
  }
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `${options.tls ? 'https' : 'http'}://${host}:${port}`;

  return {
    vendor: definition.vendor,
    origin,
    apiUrl: origin + definition.basePath,
    credentials: definition.devCredentials,
    certificatePem,
    calls,
    faults,
    definition,
    async close() {
      faults.releaseHung();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function mountSharedControl(app: Express, definition: SandboxDefinition, calls: CallLog, faults: FaultInjector): void {
  const control = express.Router();
  control.use(express.json({ limit: '50mb' }));
  // The control root lists every control route (the shared ones and the vendor's), read from the app's router.
  control.get('/', (req, res) => {
    res.json({
      vendor: definition.vendor,
      api: `${req.protocol}://${req.get('host')}${definition.basePath}`,
      routes: controlRoutes(app),
    });
  });
  control.get('/calls', (req, res) => {
    const since = req.query.since ? Number(req.query.since) : undefined;
    const list = calls.list({ method: req.query.method as string | undefined, path: req.query.path as string | undefined, since });
    res.json({ count: list.length, calls: list });
  });
  control.delete('/calls', (_req, res) => {
    calls.clear();
    res.status(204).end();
  });
  control.get('/faults', (_req, res) => res.json(faults.current()));
  control.put('/faults', (req, res) => {
    try {
      res.json(faults.set(req.body ?? {}));
    } catch (error) {
      res.status(400).json({ error: (error as Error).message });
    }
  });
  control.delete('/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });
  control.post('/reset', (_req, res) => {
    definition.reset();
    calls.clear();
    faults.clear();
    res.status(204).end();
  });
  app.use('/__sandbox', control);
}

interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}

/** `METHOD /__sandbox/...` of every route of the routers mounted at `/__sandbox`, in mount order. */
function controlRoutes(app: Express): string[] {
  const stack = ((app as unknown as { router: { stack: RouterLayer[] } }).router?.stack) ?? [];
  const routes: string[] = [];
  for (const layer of stack) {
    if (layer.rawPath !== '/__sandbox' || !layer.handle.stack) continue;
    for (const inner of layer.handle.stack) {
      if (!inner.route) continue;
      const methods = Object.keys(inner.route.methods).filter((m) => m !== '_all').map((m) => m.toUpperCase());
      for (const method of methods) routes.push(`${method} /__sandbox${String(inner.route.path) === '/' ? '/' : String(inner.route.path)}`);
    }
  }
  return [...new Set(routes)];
}
