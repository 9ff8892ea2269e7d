import type { SyncEventInput } from '../events/event-log.js';
import { SyncEventKind } from '../events/sync-event-kind.js';
import { toGlobalId } from '../domain/global-id.js';
import type { RegisteredSource } from './source-registry.js';

/** The SOURCE_UPDATED event of an ADMIN's change to a source: what changed, from what, and by which token (never a secret). */
export function sourceUpdated(
  source: RegisteredSource,
  previous: { enabled: boolean; pollIntervalSeconds: number },
  by: string,
): SyncEventInput {
  const { name, vendor } = source.config;
  const now = { enabled: source.entity.enabled, pollIntervalSeconds: source.entity.pollIntervalSeconds };
  const changes = (Object.keys(now) as Array<keyof typeof now>).filter((key) => now[key] !== previous[key])
    .map((key) => `${key} ${previous[key]} -> ${now[key]}`);
  return {
    kind: SyncEventKind.SOURCE_UPDATED,
    vendor,
    subjectId: toGlobalId('Source', source.entity.id),
    message: `${name} updated by ${by}: ${changes.length ? changes.join(', ') : 'no change'}`.slice(0, 1000),
    details: { source: name, by, previous, ...now },
  };
}
