import express, { type Express } from 'express';
import { z } from 'zod';
import type { QuotaCounter, QuotaLimits } from './quota.js';

const budget = z.number().int().positive().nullable().optional();

/** Body of PUT /__sandbox/quota: each window's budget; an absent or null window is unmetered. */
const quotaBudgets = z.strictObject({ perMinute: budget, perHour: budget, perDay: budget });

/**
 * Control routes of a metered provider's sandbox: `GET /__sandbox/quota` (budgets, calls used per window,
 * 429s served) and `PUT /__sandbox/quota` (new budgets; usage starts again from zero, like a fresh key).
 */
export function mountQuotaControl(app: Express, quota: QuotaCounter): void {
  const control = express.Router();
  control.use(express.json());
  control.get('/quota', (_req, res) => res.json(quotaReport(quota)));
  control.put('/quota', (req, res) => {
    const parsed = quotaBudgets.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const limits: QuotaLimits = {};
    if (parsed.data.perMinute) limits.perMinute = parsed.data.perMinute;
    if (parsed.data.perHour) limits.perHour = parsed.data.perHour;
    if (parsed.data.perDay) limits.perDay = parsed.data.perDay;
    quota.limits = limits;
    quota.reset();
    res.json(quotaReport(quota));
  });
  app.use('/__sandbox', control);
}

function quotaReport(quota: QuotaCounter) {
  const { minute, hour, day, refused, limits } = quota.usage();
  return { limits, used: { minute, hour, day }, rateLimitedResponses: refused };
}
