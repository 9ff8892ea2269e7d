/**
 * Opaque ids of Intel Exchange (CTIX) objects in our graph. CTIX reads an object by STIX type and id
 * (`threat-data/{type}/{id}/basic/`), and several CTIX sources may be configured, so the id carries the source,
 * the type and CTIX's id: base64url of `ThreatDataObject:<source uuid>:<type>:<ctix id>`
 * (`ThreatInvestigation:<source uuid>:<ctix id>`, `ThreatBulletin:<source uuid>:<ctix id>`). Clients must not parse it.
 */

export type ThreatKind = 'ThreatDataObject' | 'ThreatInvestigation' | 'ThreatBulletin';

export interface ThreatRef {
  sourceId: string;
  /** STIX type of a threat data object (`indicator`, `report`, …); null for investigations and bulletins. */
  type: string | null;
  ctixId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STIX_TYPE = /^[a-z0-9-]{1,64}$/;

export function toThreatId(kind: ThreatKind, ref: ThreatRef): string {
  const parts = kind === 'ThreatDataObject' ? [kind, ref.sourceId, ref.type ?? 'unknown', ref.ctixId] : [kind, ref.sourceId, ref.ctixId];
  return Buffer.from(parts.join(':'), 'utf8').toString('base64url');
}

/** The reference in an id of `kind`, or null when it is not one (the caller answers NOT_FOUND). */
export function fromThreatId(kind: ThreatKind, id: string): ThreatRef | null {
  const parts = Buffer.from(id, 'base64url').toString('utf8').split(':');
  if (parts[0] !== kind || !UUID.test(parts[1] ?? '')) return null;
  if (kind === 'ThreatDataObject') {
    if (parts.length !== 4 || !STIX_TYPE.test(parts[2]!) || !parts[3]) return null;
    return { sourceId: parts[1]!, type: parts[2]!, ctixId: parts[3] };
  }
  if (parts.length !== 3 || !parts[2]) return null;
  return { sourceId: parts[1]!, type: null, ctixId: parts[2] };
}
