import type { DataSource } from 'typeorm';
import type { JobDefinition } from './job-definition.js';

/** Keeps the event log bounded: deletes sync events older than the retention period (default 30 days). */
export function eventRetentionJob(dataSource: DataSource, retentionDays = 30): JobDefinition {
  return {
    name: 'event-retention',
    description: `Deletes sync events older than ${retentionDays} days`,
    intervalSeconds: 3600,
    async run() {
      const result = await dataSource.query(
        `WITH gone AS (DELETE FROM sync_event WHERE at < now() - make_interval(days => $1) RETURNING 1) SELECT count(*)::int AS deleted FROM gone`,
        [retentionDays],
      );
      return { deleted: result[0].deleted as number };
    },
  };
}
