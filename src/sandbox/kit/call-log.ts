import type { Request, Response, NextFunction } from 'express';

/** One request a sandbox received, as the control API reports it (credentials left out). */
export interface RecordedCall {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
  status: number;
  durationMs: number;
}

/** Every vendor-API request a sandbox received, so tests can count and inspect what the hub sent. */
export class CallLog {
  private calls: RecordedCall[] = [];
  private seq = 0;

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (req.path.startsWith('/__sandbox')) return next();
      const started = Date.now();
      // Read now: inside a mounted router `req.path` loses the mount prefix by the time the answer finishes.
      const path = req.path;
      res.on('finish', () => {
        this.calls.push({
          seq: ++this.seq,
          at: new Date(started).toISOString(),
          method: req.method,
          path,
          query: { ...req.query },
          body: summariseBody(req.body),
          status: res.statusCode,
          durationMs: Date.now() - started,
        });
        if (this.calls.length > 50_000) this.calls.splice(0, 10_000);
      });
      next();
    };
  }

  list(filter: { method?: string; path?: string; since?: number } = {}): RecordedCall[] {
    const pattern = filter.path ? new RegExp(filter.path) : undefined;
    return this.calls.filter((c) =>
      (!filter.method || c.method === filter.method.toUpperCase()) &&
      (!pattern || pattern.test(c.path)) &&
      (!filter.since || c.seq > filter.since));
  }

  clear(): void {
    this.calls = [];
  }
}

function summariseBody(body: unknown): unknown {
  if (body === undefined || body === null) return null;
  if (Buffer.isBuffer(body)) return { bytes: body.length };
  if (typeof body === 'object' && Object.keys(body as object).length === 0) return null;
  return body;
}
