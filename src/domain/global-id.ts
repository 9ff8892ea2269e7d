import { badUserInput } from './errors.js';

/** Node type names that have global ids. */
export type NodeType = 'Source' | 'Ticket' | 'Incident' | 'Indicator' | 'Enrichment' | 'SyncEvent' | 'JobRun' | 'Worklog' | 'Attachment' | 'IncidentNote' | 'ApiToken';

/** Opaque global id: base64url of `Type:key`. Clients must not parse it. */
export function toGlobalId(type: NodeType, key: string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

export function fromGlobalId(id: string): { type: NodeType; key: string } | null {
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return null;
  return { type: decoded.slice(0, separator) as NodeType, key: decoded.slice(separator + 1) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Decodes an id that must be of `type` (uuid key), or throws BAD_USER_INPUT naming the argument. */
export function expectGlobalId(id: string, type: NodeType, argument = 'id'): string {
  const parsed = fromGlobalId(id);
  if (!parsed || parsed.type !== type || !UUID.test(parsed.key)) {
    throw badUserInput(`${argument}: '${id}' is not a ${type} id`, argument);
  }
  return parsed.key;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
