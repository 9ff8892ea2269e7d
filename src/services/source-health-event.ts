import { SyncEventKind } from '../events/sync-event-kind.js';
import type { SyncEventInput } from '../events/event-log.js';
import { toGlobalId } from '../domain/global-id.js';
import type { SourceHealthState } from '../sources/health/source-health.js';
import type { RegisteredSource } from './source-registry.js';

/** The SOURCE_HEALTH_CHANGED event of a source whose health status changed (never its credentials). */
export function sourceHealthChanged(source: RegisteredSource, state: SourceHealthState, previous: SourceHealthState): SyncEventInput {
  const name = source.config.name;
  const why = state.status === 'HEALTHY' ? 'calls succeed again' : `${state.consecutiveFailures} failed call(s) in a row: ${state.lastError ?? 'unknown error'}`;
  return {
    kind: SyncEventKind.SOURCE_HEALTH_CHANGED,
    vendor: source.config.vendor,
    subjectId: toGlobalId('Source', source.entity.id),
    message: `${name} is ${state.status} (was ${previous.status}): ${why}`.slice(0, 1000),
    details: {
      source: name,
      status: state.status,
      previousStatus: previous.status,
      consecutiveFailures: state.consecutiveFailures,
      lastError: state.lastError,
    },
  };
}
