import type { HealthSink } from '../http/vendor-http.js';
import type { VendorError } from '../http/vendor-error.js';

export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'DEGRADED' | 'DOWN';

export interface SourceHealthState {
  status: HealthStatus;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  consecutiveFailures: number;
}

/** Failures in a row after which a source is DOWN rather than DEGRADED. */
const DOWN_AFTER = 3;

/**
 * Tracks each source's health from the outcomes of its vendor calls. In memory and synchronous (it sits on
 * every call); `onChange` lets the hub persist a state when it changes status or records a new error.
 */
export class SourceHealthTracker implements HealthSink {
  private readonly states = new Map<string, SourceHealthState>();

  constructor(private readonly onChange?: (sourceName: string, state: SourceHealthState, previous: SourceHealthState) => void) {}

  /** Seeds a state (e.g. read back from the database at start). */
  load(sourceName: string, state: SourceHealthState): void {
    this.states.set(sourceName, { ...state });
  }

  get(sourceName: string): SourceHealthState {
    return this.states.get(sourceName) ?? { status: 'UNKNOWN', lastSuccessAt: null, lastErrorAt: null, lastError: null, consecutiveFailures: 0 };
  }

  recordSuccess(sourceName: string): void {
    const previous = this.get(sourceName);
    const next: SourceHealthState = { ...previous, status: 'HEALTHY', lastSuccessAt: new Date(), consecutiveFailures: 0 };
    this.states.set(sourceName, next);
    // Persist transitions, and a success at most once a minute otherwise (it is on the hot path).
    const stale = !previous.lastSuccessAt || next.lastSuccessAt!.getTime() - previous.lastSuccessAt.getTime() > 60_000;
    if (previous.status !== 'HEALTHY' || stale) this.onChange?.(sourceName, next, previous);
  }

  recordFailure(sourceName: string, error: VendorError): void {
    const previous = this.get(sourceName);
    const failures = previous.consecutiveFailures + 1;
    const next: SourceHealthState = {
      ...previous,
      status: failures >= DOWN_AFTER ? 'DOWN' : 'DEGRADED',
      lastErrorAt: new Date(),
      lastError: error.message.slice(0, 500),
      consecutiveFailures: failures,
    };
    this.states.set(sourceName, next);
    this.onChange?.(sourceName, next, previous);
  }
}
