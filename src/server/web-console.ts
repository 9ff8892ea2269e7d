import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';

/** Where `npm run build:web` puts the console and the explorer (from dist/src/server or, under jest, src/server). */
function webDist(): string | null {
  for (const relative of ['../../../web/dist', '../../web/dist']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${dir}/index.html`)) return dir;
  }
  return null;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** Paths the hub answers itself: never the console's page. */
const HUB_PATHS = /^\/(graphql|healthz|readyz|metrics|assets|__sandbox)(\/|$)/;

export interface WebConsoleOptions {
  /** The development ADMIN token (sandbox mode), once created; null otherwise. */
  developmentToken(): string | null;
}

/**
 * The operations console at `/` (every page path) and the GraphiQL explorer at `GET /graphql` for browsers
 * (`Accept: text/html`; API clients get GraphQL as before). Both are static files built at install. The
 * development token is written into the page only in sandbox mode and only for a browser on this machine.
 */
export function mountWebConsole(app: Express, options: WebConsoleOptions): void {
  const dir = webDist();
  const pages = new Map<string, string>();
  const page = (name: 'index.html' | 'explorer.html'): string | null => {
    if (!dir) return null;
    if (!pages.has(name)) pages.set(name, readFileSync(`${dir}/${name}`, 'utf8'));
    return pages.get(name)!;
  };
  const send = (req: Request, res: Response, name: 'index.html' | 'explorer.html') => {
    const html = page(name);
    if (!html) {
      res.status(503).type('text/plain').send('The web console is not built: run `npm run build:web` (npm install does it).\n');
      return;
    }
    const token = options.developmentToken();
    const local = LOOPBACK.has(req.socket.remoteAddress ?? '') && !req.headers['x-forwarded-for'];
    const config = token && local ? { developmentToken: token } : {};
    const script = `<script>window.__SOCGRAPH__=${JSON.stringify(config).replace(/</g, '\\u003c')}</script>`;
    res.set('cache-control', 'no-store').type('html').send(html.replace('<!--socgraph-config-->', script));
  };

  app.get('/graphql', (req, res, next) => {
    // A browser opening the endpoint gets the explorer; a GET query (`?query=`) or an API client gets GraphQL.
    if (req.query.query !== undefined || req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') return next();
    send(req, res, 'explorer.html');
  });
  if (dir) app.use('/assets', express.static(`${dir}/assets`, { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  app.get(/.*/, (req, res, next) => {
    if (HUB_PATHS.test(req.path) || !req.accepts('html')) return next();
    send(req, res, 'index.html');
  });
}
