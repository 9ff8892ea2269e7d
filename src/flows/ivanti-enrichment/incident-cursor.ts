/**
 * Where the playbook is in an Ivanti source's incidents: the newest CreatedDateTime handled and the RecIds handled
 * at exactly that time. Ivanti dates have second precision, so the next poll asks `CreatedDateTime ge <createdAt>`
 * and drops only those RecIds: an incident created later in the same second is not lost, none is handled twice.
 */
export interface IncidentCursor {
  createdAt: string;
  recIds: string[];
}

export interface CursorIncident {
  RecId: string;
  CreatedDateTime: Date;
}

/** Already handled according to the cursor. */
export function isBehindCursor(incident: CursorIncident, cursor: IncidentCursor | null): boolean {
  if (!cursor) return false;
  const at = incident.CreatedDateTime.getTime();
  const mark = Date.parse(cursor.createdAt);
  return at < mark || (at === mark && cursor.recIds.includes(incident.RecId.toUpperCase()));
}

/** The cursor after handling `incidents` (any order). */
export function advanceCursor(cursor: IncidentCursor | null, incidents: CursorIncident[]): IncidentCursor | null {
  let mark = cursor ? Date.parse(cursor.createdAt) : Number.NEGATIVE_INFINITY;
  let recIds = new Set(cursor?.recIds ?? []);
  for (const incident of incidents) {
    const at = incident.CreatedDateTime.getTime();
    if (at > mark) {
      mark = at;
      recIds = new Set([incident.RecId.toUpperCase()]);
    } else if (at === mark) {
      recIds.add(incident.RecId.toUpperCase());
    }
  }
  return Number.isFinite(mark) ? { createdAt: new Date(mark).toISOString(), recIds: [...recIds].sort() } : cursor;
}
