import type { Request, Response, NextFunction } from 'express';
import { z } from 'zod';

/** One scripted answer for the next matching request: an error status, a 429, garbage, or a hang. */
const scriptedFault = z.object({
  status: z.number().int().min(100).max(599).optional(),
  retryAfterSeconds: z.number().min(0).optional(),
  malformed: z.boolean().optional(),
  hangMs: z.number().int().min(0).optional(),
});

/** Fault settings accepted by PUT /__sandbox/faults. Rates apply to every matching request. */
export const faultSettings = z.object({
  pathPattern: z.string().optional(),
  method: z.string().optional(),
  latencyMs: z.number().int().min(0).default(0),
  errorRate: z.number().min(0).max(1).default(0),
  errorStatus: z.number().int().min(400).max(599).default(503),
  rateLimitRate: z.number().min(0).max(1).default(0),
  retryAfterSeconds: z.number().min(0).default(1),
  malformedRate: z.number().min(0).max(1).default(0),
  timeoutRate: z.number().min(0).max(1).default(0),
  hangMs: z.number().int().min(0).default(60_000),
  /** Scripted faults served to the next matching requests, in order, before the rates apply. */
  next: z.array(scriptedFault).default([]),
});
export type FaultSettings = z.infer<typeof faultSettings>;
export type ScriptedFault = z.infer<typeof scriptedFault>;

/** How a vendor writes its own 429 and error bodies (defaults: a small JSON body). */
export interface FaultResponder {
  rateLimited(res: Response, retryAfterSeconds: number): void;
  error(res: Response, status: number): void;
}

export const defaultResponder: FaultResponder = {
  rateLimited(res, retryAfterSeconds) {
    res.status(429).set('Retry-After', String(Math.ceil(retryAfterSeconds))).json({ error: 'Too Many Requests' });
  },
  error(res, status) {
    res.status(status).json({ error: `injected fault ${status}` });
  },
};

/** Injects vendor faults (latency, 5xx, 429 with Retry-After, malformed JSON, hangs) into a sandbox. */
export class FaultInjector {
  private settings: FaultSettings = faultSettings.parse({});
  private hanging = new Set<Response>();
  injected = 0;

  constructor(private readonly responder: FaultResponder = defaultResponder) {}

  set(input: unknown): FaultSettings {
    this.settings = faultSettings.parse(input);
    return this.settings;
  }

  clear(): void {
    this.settings = faultSettings.parse({});
  }

  current(): FaultSettings {
    return this.settings;
  }

  /** Ends hung requests (on sandbox close). */
  releaseHung(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  middleware() {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      if (req.path.startsWith('/__sandbox')) return next();
      const s = this.settings;
      if (s.pathPattern && !new RegExp(s.pathPattern).test(req.path)) return next();
      if (s.method && s.method.toUpperCase() !== req.method) return next();
      if (s.latencyMs > 0) await new Promise((r) => setTimeout(r, s.latencyMs));
      const scripted = s.next.shift();
      if (scripted) return this.apply(scripted, req, res, next);
      if (Math.random() < s.timeoutRate) return this.apply({ hangMs: s.hangMs }, req, res, next);
      if (Math.random() < s.rateLimitRate) return this.apply({ status: 429, retryAfterSeconds: s.retryAfterSeconds }, req, res, next);
      if (Math.random() < s.errorRate) return this.apply({ status: s.errorStatus }, req, res, next);
      if (Math.random() < s.malformedRate) return this.apply({ malformed: true }, req, res, next);
      next();
    };
  }

  private apply(fault: ScriptedFault, _req: Request, res: Response, next: NextFunction): void {
    this.injected += 1;
    if (fault.hangMs !== undefined) {
      this.hanging.add(res);
      setTimeout(() => {
        this.hanging.delete(res);
        if (!res.headersSent) res.destroy();
      }, fault.hangMs).unref();
      return;
    }
    if (fault.malformed) {
      res.status(fault.status ?? 200).type('application/json').send('{"truncated": [1, 2, ');
      return;
    }
    if (fault.status === 429) return this.responder.rateLimited(res, fault.retryAfterSeconds ?? 1);
    if (fault.status) return this.responder.error(res, fault.status);
    next();
  }
}
