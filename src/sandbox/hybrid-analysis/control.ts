import express, { type Express } from 'express';
import { isSampleHash, sampleOverride, type HybridAnalysisSamples } from './samples.js';

/** `/__sandbox/indicators`: fix the answer for a file hash (md5, sha1 or sha256), list or forget seeded samples. */
export function mountIndicatorControl(app: Express, samples: HybridAnalysisSamples): void {
  const control = express.Router();
  control.use(express.json());
  control.get('/indicators', (_req, res) => res.json(samples.list()));
  control.put('/indicators/:value', (req, res) => {
    if (!isSampleHash(req.params.value)) return void res.status(400).json({ error: `'${req.params.value}' is not an md5, sha1 or sha256` });
    const parsed = sampleOverride.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    res.json(samples.seed(req.params.value, parsed.data));
  });
  control.delete('/indicators/:value', (req, res) => {
    samples.remove(req.params.value);
    res.status(204).end();
  });
  app.use('/__sandbox', control);
}
