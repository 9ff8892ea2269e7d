import express, { type Express } from 'express';
import { isIP } from 'node:net';
import { ipOverride, type AbuseIpdbIndicators } from './indicators.js';

/** `/__sandbox/indicators`: fix the answer for an IP (known-malicious, known-clean…), list or forget seeded IPs. */
export function mountIndicatorControl(app: Express, indicators: AbuseIpdbIndicators): void {
  const control = express.Router();
  control.use(express.json());
  control.get('/indicators', (_req, res) => res.json(indicators.list()));
  control.put('/indicators/:value', (req, res) => {
    if (!isIP(req.params.value)) return void res.status(400).json({ error: `'${req.params.value}' is not an IP address` });
    const parsed = ipOverride.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    res.json(indicators.seed(req.params.value, parsed.data));
  });
  control.delete('/indicators/:value', (req, res) => {
    indicators.remove(req.params.value);
    res.status(204).end();
  });
  app.use('/__sandbox', control);
}
