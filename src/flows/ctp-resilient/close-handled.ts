import type { Queryable } from '../../store/queryable.js';

/**
 * Which Resilient closes are already in step with their CTP tickets (`incident.close_handled`). A close the hub
 * caused, or one the Resilient→CTP close pass has acted on, is handled; a close not yet handled is one that
 * happened in Resilient (IBM's rule: `plan_status changed_to Closed`, notes B7). An incident seen open again
 * forgets its handled close, so its next close is a new one.
 */
export async function markCloseHandled(db: Queryable, incidentUuid: string, handled: boolean): Promise<void> {
  await db.query('UPDATE incident SET close_handled = $2 WHERE id = $1 AND close_handled <> $2', [incidentUuid, handled]);
}

/** The same, by Resilient incident id (what the close pass reads). */
export async function markClosesHandled(db: Queryable, sourceId: string, externalIds: string[], handled: boolean): Promise<void> {
  if (externalIds.length === 0) return;
  await db.query('UPDATE incident SET close_handled = $3 WHERE source_id = $1 AND external_id = ANY($2) AND close_handled <> $3', [sourceId, externalIds, handled]);
}

export async function isCloseHandled(db: Queryable, incidentUuid: string): Promise<boolean> {
  const rows: Array<{ close_handled: boolean }> = await db.query('SELECT close_handled FROM incident WHERE id = $1', [incidentUuid]);
  return rows[0]?.close_handled === true;
}

/** Of these Resilient incident ids, those whose close is handled already. */
export async function closesHandled(db: Queryable, sourceId: string, externalIds: string[]): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const rows: Array<{ external_id: string }> = await db.query(
    'SELECT external_id FROM incident WHERE source_id = $1 AND external_id = ANY($2) AND close_handled', [sourceId, externalIds]);
  return new Set(rows.map((r) => r.external_id));
}
