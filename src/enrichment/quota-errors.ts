/**
 * A provider cannot take a call for longer than the engine waits: its day budget is spent, or a 429 asked for a
 * wait beyond `maxBlockWaitMs`. The look-up is FAILED (retried by a later run), never turned into a verdict.
 */
export class QuotaUnavailableError extends Error {
  constructor(message: string, readonly until: Date) {
    super(message);
    this.name = 'QuotaUnavailableError';
  }
}

/** The request's AbortSignal fired while it waited for quota. */
export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'enrichment aborted');
  error.name = 'AbortError';
  return error;
}

/** Sleeps `ms`, waking early (with an AbortError) when `signal` fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
