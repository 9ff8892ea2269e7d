import express, { type Express } from 'express';
import { z } from 'zod';

/**
 * The clock the sandbox's quota windows run on. At scale 1 a minute window lasts a minute (the real model); at
 * scale N every window (minute, day) is N times shorter, still fixed and clock-aligned — so a test can watch a
 * 4-a-minute budget being paced over a dozen windows in seconds instead of a quarter of an hour.
 */
export class QuotaClock {
  scale = 1;

  readonly now = (): number => Date.now() * this.scale;
}

const clockBody = z.strictObject({ scale: z.number().positive().max(3600) });

/** `GET/PUT /__sandbox/quota-clock` `{scale}`: how many times faster than real time the quota windows run. */
export function mountQuotaClockControl(app: Express, clock: QuotaClock): void {
  const control = express.Router();
  control.use(express.json());
  control.get('/quota-clock', (_req, res) => res.json({ scale: clock.scale }));
  control.put('/quota-clock', (req, res) => {
    const parsed = clockBody.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    clock.scale = parsed.data.scale;
    res.json({ scale: clock.scale });
  });
  app.use('/__sandbox', control);
}
