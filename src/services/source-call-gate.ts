import { VendorError } from '../sources/http/vendor-error.js';
import type { CallLimiter } from '../sources/http/vendor-http.js';
import type { SourceConfig } from '../sources/source-config.js';
import type { SourcePauses } from './source-pauses.js';

/** A call that would wait longer than this for a paused source fails instead (a job retries; a GraphQL caller is told). */
const MAX_PAUSE_WAIT_MS = 120_000;

/**
 * What every call to a source passes before it starts: the source's 429 pause (shared by every replica), then
 * its configured `rateLimit` if any. A 429 reported here pauses the source for everyone.
 */
export function sourceCallGate(pauses: SourcePauses, source: Pick<SourceConfig, 'name' | 'vendor'>, rateLimit?: CallLimiter): CallLimiter {
  const waitForPause = async () => {
    for (let left = pauses.remainingMs(source.name); left > 0; left = pauses.remainingMs(source.name)) {
      if (left > MAX_PAUSE_WAIT_MS) {
        const retryAfterSeconds = Math.ceil(left / 1000);
        throw new VendorError('UPSTREAM_UNAVAILABLE', source.vendor, source.name,
          `the vendor rate-limited this source; calls resume in ${retryAfterSeconds}s`, { status: 429, retryAfterSeconds });
      }
      await new Promise((resolve) => setTimeout(resolve, left + 1));
    }
  };
  return {
    async acquire() {
      await waitForPause();
      if (!rateLimit) return async () => undefined;
      const ended = await rateLimit.acquire();
      try {
        // The budget may have taken a while: a 429 meanwhile holds this call too.
        await waitForPause();
      } catch (error) {
        await ended();
        throw error;
      }
      return ended;
    },
    pause(waitMs, reason) {
      pauses.pause(source.name, waitMs, reason);
    },
  };
}
