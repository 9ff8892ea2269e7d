import type { IbmResilientClient } from './client.js';
import { VendorError } from '../http/vendor-error.js';
import { fieldChange, type FieldChange, type ResilientIncident } from './wire.js';

const ATTEMPTS = 4;

/** A rendered template object as PATCH changes: top-level fields, and each `properties` entry by its bare name. */
export function changesFrom(rendered: Record<string, unknown>): Map<string, unknown> {
  const changes = new Map<string, unknown>();
  for (const [field, value] of Object.entries(rendered)) {
    if (field === 'properties' && value && typeof value === 'object') {
      for (const [name, inner] of Object.entries(value as Record<string, unknown>)) changes.set(name, inner);
    } else {
      changes.set(field, value);
    }
  }
  return changes;
}

/** The current value of a field as `handle_format=names` reads it (custom fields live under `properties`). */
function currentValue(incident: ResilientIncident, field: string): unknown {
  if (field in incident) return (incident as Record<string, unknown>)[field];
  return incident.properties[field];
}

/**
 * Applies changes to an incident with the current `vers`, never losing them: a `field_failures` answer or a
 * 409 means someone changed the incident meanwhile, so it is re-read and the changes sent again. Changes that
 * already hold are not sent (an unchanged ticket costs one GET, no PATCH).
 */
export async function patchIncident(client: IbmResilientClient, incidentId: number, changes: Map<string, unknown>, known?: ResilientIncident): Promise<{ incident: ResilientIncident; patched: boolean }> {
  let incident = known ?? await client.getIncident(incidentId);
  for (let attempt = 1; ; attempt += 1) {
    const pending: FieldChange[] = [...changes]
      .filter(([field, value]) => !sameValue(currentValue(incident, field), value))
      .map(([field, value]) => fieldChange(field, value));
    if (pending.length === 0) return { incident, patched: false };
    try {
      const status = await client.patchIncident(incidentId, { version: incident.vers, changes: pending });
      if (status.success) return { incident: await client.getIncident(incidentId), patched: true };
      if (attempt >= ATTEMPTS) {
        throw new Error(`incident ${incidentId}: PATCH refused ${ATTEMPTS} times (${status.field_failures.map((f) => f.field).join(', ') || status.message})`);
      }
    } catch (error) {
      if (!(error instanceof VendorError && error.code === 'UPSTREAM_CONFLICT') || attempt >= ATTEMPTS) throw error;
    }
    incident = await client.getIncident(incidentId);
  }
}

function sameValue(current: unknown, wanted: unknown): boolean {
  if (current === wanted) return true;
  if ((current === null || current === undefined || current === '') && (wanted === null || wanted === undefined || wanted === '')) return true;
  if (typeof current === 'object' && current !== null && 'content' in current) return (current as { content: unknown }).content === wanted;
  if (typeof wanted === 'object' && wanted !== null && 'name' in wanted) return (wanted as { name: unknown }).name === current;
  return JSON.stringify(current) === JSON.stringify(wanted);
}
