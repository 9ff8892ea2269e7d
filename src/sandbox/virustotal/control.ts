import express, { type Express } from 'express';
import { kindOf, objectOverride, type VirusTotalObjects } from './objects.js';

/**
 * `/__sandbox/indicators`: fix VT's answer for an IP, domain, URL (URL-encoded in the path) or file hash —
 * a preset (malicious / suspicious / clean / not-found) and/or engine counts and attributes; list or forget them.
 */
export function mountIndicatorControl(app: Express, objects: VirusTotalObjects): void {
  const control = express.Router();
  control.use(express.json());
  control.get('/indicators', (_req, res) => res.json(objects.list()));
  control.put('/indicators/:value', (req, res) => {
    const kind = kindOf(req.params.value);
    if (!kind) return void res.status(400).json({ error: `'${req.params.value}' is not an IP, domain, URL or file hash` });
    const parsed = objectOverride.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    res.json(objects.seed(req.params.value, kind, parsed.data));
  });
  control.delete('/indicators/:value', (req, res) => {
    const kind = kindOf(req.params.value);
    if (kind) objects.remove(req.params.value, kind);
    res.status(204).end();
  });
  app.use('/__sandbox', control);
}
