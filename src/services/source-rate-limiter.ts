import type { QuotaBudget } from '../domain/enrichment.js';
import { QuotaUnavailableError } from '../enrichment/quota-errors.js';
import type { QuotaScheduler } from '../enrichment/quota-scheduler.js';
import { VendorError } from '../sources/http/vendor-error.js';
import type { CallLimiter } from '../sources/http/vendor-http.js';
import type { SourceConfig } from '../sources/source-config.js';

/**
 * A source's configured `rateLimit` (calls per minute and per UTC day), kept by the Postgres-shared quota scheduler,
 * so every replica together stays within it: a call waits for room in the minute window; a spent day fails at once
 * with the time it resets (a job retries later rather than sleeping for hours).
 */
export function sourceRateLimiter(scheduler: QuotaScheduler, source: Pick<SourceConfig, 'name' | 'vendor' | 'rateLimit'>): CallLimiter | undefined {
  const { perMinute, perDay } = source.rateLimit ?? {};
  if (!perMinute && !perDay) return undefined;
  const budget: QuotaBudget = { perMinute: perMinute ?? null, perHour: null, perDay: perDay ?? null };
  // Apart from an enrichment provider's own quota, which is keyed by the source's name.
  const key = `rate-limit:${source.name}`;
  return {
    async acquire() {
      try {
        const reservation = await scheduler.acquire(key, budget, 1, null);
        if (!('slot' in reservation)) throw new Error(`unexpected reservation for ${key}`);
        return () => scheduler.release(reservation.slot);
      } catch (error) {
        if (!(error instanceof QuotaUnavailableError)) throw error;
        const retryAfterSeconds = Math.max(1, Math.ceil((error.until.getTime() - Date.now()) / 1000));
        throw new VendorError('UPSTREAM_UNAVAILABLE', source.vendor, source.name,
          `the source's rateLimit is spent (${error.message}); calls resume at ${error.until.toISOString()}`, { retryAfterSeconds });
      }
    },
  };
}
