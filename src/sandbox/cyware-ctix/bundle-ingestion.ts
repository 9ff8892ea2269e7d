import type { CtixObject, IngestedBundle } from './model.js';

/** What ingestion needs of the sandbox's store (CtixStore). */
export interface BundleTarget {
  addObject(fields: Partial<CtixObject> & Pick<CtixObject, 'type' | 'name'>): CtixObject;
  objectByStixId(stixId: string): CtixObject | undefined;
  aliasStixId(stixId: string, id: string): void;
  findIndicator(iocType: string, value: string): CtixObject | undefined;
  tag(name: string): CtixObject['tags'][number];
  relate(a: string, b: string, relationshipType?: string): void;
}

/**
 * What CTIX does with a STIX 2.1 bundle once ingestion runs: STIX domain objects become threat data objects
 * (upserted by STIX id; an indicator also merges with the object already holding its IOC value), relationships
 * and report `object_refs` become relations. Cyber-observables, marking and extension definitions are not
 * turned into objects here.
 */

const THREAT_DATA_TYPES = new Set([
  'attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident', 'indicator', 'infrastructure',
  'intrusion-set', 'location', 'malware', 'malware-analysis', 'note', 'observed-data', 'opinion', 'report',
  'threat-actor', 'tool', 'vulnerability',
]);

/** The STIX 2.1 TLP 1.0 marking definitions. */
const TLP_BY_MARKING: Record<string, string> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'WHITE',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
};

/** Object path of a single-comparison pattern → CTIX `ioc_type`. */
const IOC_TYPE_BY_PATH: Record<string, string> = {
  'ipv4-addr:value': 'ipv4-addr',
  'ipv6-addr:value': 'ipv6-addr',
  'domain-name:value': 'domain-name',
  'url:value': 'url',
  'email-addr:value': 'email-addr',
  'file:hashes.md5': 'MD5',
  'file:hashes.sha-1': 'SHA-1',
  'file:hashes.sha1': 'SHA-1',
  'file:hashes.sha-256': 'SHA-256',
  'file:hashes.sha256': 'SHA-256',
  'file:hashes.sha-512': 'SHA-512',
};

const SIMPLE_PATTERN = /^\[\s*([a-z0-9-]+:[A-Za-z0-9_.'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]$/;

export function processBundle(store: BundleTarget, entry: IngestedBundle): void {
  const relationships: Array<Record<string, unknown>> = [];
  const reports: Array<{ report: CtixObject; refs: unknown }> = [];
  for (const stixObject of entry.bundle.objects) {
    const type = String(stixObject.type);
    if (type === 'relationship') {
      relationships.push(stixObject);
      continue;
    }
    if (!THREAT_DATA_TYPES.has(type)) continue;
    const object = upsert(store, entry, stixObject);
    entry.objectIds.push(object.id);
    if (type === 'report') reports.push({ report: object, refs: stixObject.object_refs });
  }
  for (const relationship of relationships) {
    const source = store.objectByStixId(String(relationship.source_ref));
    const target = store.objectByStixId(String(relationship.target_ref));
    if (source && target) store.relate(source.id, target.id, String(relationship.relationship_type ?? 'related-to'));
  }
  for (const { report, refs } of reports) {
    for (const ref of Array.isArray(refs) ? refs : []) {
      const member = store.objectByStixId(String(ref));
      if (member) store.relate(report.id, member.id);
    }
  }
  entry.processed = true;
}

function upsert(store: BundleTarget, entry: IngestedBundle, stixObject: Record<string, unknown>): CtixObject {
  const stixId = String(stixObject.id);
  const type = String(stixObject.type);
  const ioc = type === 'indicator' ? parsePattern(stixObject.pattern) : null;
  const name = ioc?.value ?? stringOr(stixObject.name, stixId);
  const fields = {
    description: stringOr(stixObject.description, null),
    pattern: stringOr(stixObject.pattern, null),
    tlp: markingTlp(stixObject.object_marking_refs),
    confidenceScore: typeof stixObject.confidence === 'number' ? stixObject.confidence : 50,
    created: epoch(stixObject.created),
    modified: epoch(stixObject.modified),
    validFrom: epoch(stixObject.valid_from) ?? null,
    validUntil: epoch(stixObject.valid_until) ?? null,
    sources: [entry.source],
    collections: [entry.collection],
    tags: (Array.isArray(stixObject.labels) ? stixObject.labels : []).map((label) => store.tag(String(label))),
  };
  const existing = store.objectByStixId(stixId) ?? (ioc ? store.findIndicator(ioc.iocType, ioc.value) : undefined);
  if (existing) {
    Object.assign(existing, withoutUndefined(fields), { name, ctixModified: Math.floor(Date.now() / 1000) });
    store.aliasStixId(stixId, existing.id);
    return existing;
  }
  return store.addObject({ ...withoutUndefined(fields), type, name, stixId, iocType: ioc?.iocType ?? null });
}

/** `[ipv4-addr:value = '203.0.113.7']` → its IOC; compound patterns carry no single IOC. */
function parsePattern(pattern: unknown): { iocType: string; value: string } | null {
  const match = typeof pattern === 'string' ? SIMPLE_PATTERN.exec(pattern.trim()) : null;
  if (!match) return null;
  const iocType = IOC_TYPE_BY_PATH[match[1]!.replace(/'/g, '').toLowerCase()];
  return iocType ? { iocType, value: match[2]!.replace(/\\(.)/g, '$1') } : null;
}

function markingTlp(refs: unknown): string {
  for (const ref of Array.isArray(refs) ? refs : []) {
    const tlp = TLP_BY_MARKING[String(ref)];
    if (tlp) return tlp;
  }
  return 'NONE';
}

function epoch(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}

function withoutUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
