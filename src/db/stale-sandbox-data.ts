import type { DataSource } from 'typeorm';

/** Raised when the data folder holds what an earlier run's sandboxes answered: start-up stops with the hint. */
export class StaleSandboxDataError extends Error {}

/**
 * Sandboxes keep their state in memory, so a restart gives fresh, empty ones while the database still links
 * tickets and incidents to the old sandboxes' records (syncs then fail with 404s). `npm start` refuses that
 * mix: the hint is `npm run reset`. Data of real (configured) sources is not concerned.
 */
export async function refuseStaleSandboxData(dataSource: DataSource, where: string): Promise<void> {
  const [row] = await dataSource.query(`SELECT
    EXISTS (SELECT 1 FROM ticket t JOIN source s ON s.id = t.source_id WHERE s.sandbox) AS tickets,
    EXISTS (SELECT 1 FROM incident i JOIN source s ON s.id = i.source_id WHERE s.sandbox) AS incidents`) as Array<{ tickets: boolean; incidents: boolean }>;
  if (row?.tickets || row?.incidents) {
    throw new StaleSandboxDataError(`${where} holds tickets and incidents of an earlier run's sandboxes, which start empty on every run `
      + '(their state is kept in memory), so the old links would answer 404. Run `npm run reset` to start fresh '
      + '(it deletes ./data), or point database.dataDir at another folder.');
  }
}
