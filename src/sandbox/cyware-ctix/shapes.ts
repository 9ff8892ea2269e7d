import type { Bulletin, Canvas, CtixObject } from './store.js';

/** The sandbox's objects rendered in CTIX v3 wire shapes (vendor notes §4.1, §5, §8, §9). */

/** An item of `POST ingestion/threat-data/list/`. */
export function threatDataItem(o: CtixObject) {
  return {
    id: o.id,
    type: o.type,
    sub_type: 'value',
    ioc_type: o.iocType,
    indicator_type: o.iocType,
    name: o.name,
    confidence_score: o.confidenceScore,
    confidence_type: 'ctix',
    source_confidence: o.sourceConfidence,
    analyst_score: o.analystScore,
    analyst_tlp: o.analystTlp,
    tlp: o.tlp,
    risk_severity: 'UNKNOWN',
    country: null,
    first_seen: null,
    last_seen: null,
    created: o.created,
    modified: o.modified,
    ctix_created: o.ctixCreated,
    ctix_modified: o.ctixModified,
    valid_from: o.validFrom,
    valid_until: o.validUntil,
    is_actioned: false,
    is_deprecated: o.isDeprecated,
    is_false_positive: o.isFalsePositive,
    is_reviewed: false,
    is_revoked: false,
    is_watchlist: false,
    is_whitelisted: o.isWhitelisted,
    sources: o.sources,
    source_collections: o.collections,
    published_collections: [],
    subscriber_collections: [],
    subscribers: [],
    tags: o.tags,
    primary_attribute: null,
  };
}

/** `GET ingestion/threat-data/{type}/{id}/basic/` — note: no `id` in the body, as on real tenants. */
export function threatDataBasic(o: CtixObject) {
  return {
    type: o.type,
    base_type: 'sdo',
    sub_type: o.iocType ?? o.type,
    name: o.name,
    attribute_field: o.iocType ? 'value' : null,
    attribute_value: o.iocType ? o.name : null,
    pattern: o.pattern ?? (o.iocType ? `[${o.iocType}:value = ${o.name}]` : null),
    pattern_type: o.iocType ? 'stix' : null,
    pattern_version: o.iocType ? '2.1' : null,
    confidence_score: o.confidenceScore,
    ctix_score: o.confidenceScore,
    confidence_type: 'CTIX',
    tlp: o.tlp,
    analyst_tlp: o.analystTlp,
    analyst_score: o.analystScore,
    country: null,
    asn: null,
    created: o.created,
    modified: o.modified,
    ctix_created: o.ctixCreated,
    ctix_modified: o.ctixModified,
    valid_from: o.validFrom,
    valid_until: o.validUntil,
    description: o.description,
    types: [],
    sources: o.sources,
  };
}

export function relatedItem(o: CtixObject, relationshipType: string) {
  return { ...threatDataItem(o), relationship_type: relationshipType };
}

export function canvasItem(c: Canvas) {
  return { id: c.id, name: c.name, created: c.created, modified: c.modified, created_by: c.created_by, shared_type: c.shared_type };
}

export function canvasDetail(c: Canvas) {
  return { id: c.id, name: c.name, shared_type: c.shared_type, shared_users: [], created_by: c.created_by };
}

const NODE_LABEL: Record<string, string> = {
  'ipv4-addr': 'IP', 'ipv6-addr': 'IP', 'domain-name': 'Domain', url: 'URL', 'email-addr': 'Email',
  MD5: 'Hash', 'SHA-1': 'Hash', 'SHA-256': 'Hash', 'SHA-512': 'Hash',
};

/** A canvas node: STIX id, label `t`, the object's fields in `prop`, and graph layout coordinates. */
export function canvasNode(o: CtixObject, index: number) {
  return {
    id: o.stixId,
    t: o.name,
    type: 'node',
    hi: false,
    u: `/ctix/images/graph/${o.iocType ?? o.type}.svg`,
    x: 120 + (index % 8) * 130,
    y: 90 + Math.floor(index / 8) * 110,
    added_node: false,
    prop: {
      ...threatDataItem(o),
      stix_object_id: o.stixId,
      label: (o.iocType && NODE_LABEL[o.iocType]) ?? o.type,
      identifier: 'ctix',
      parent_type: o.type,
    },
  };
}

export function bulletinItem(b: Bulletin) {
  return {
    id: b.id,
    title: b.title,
    status: b.status,
    tlp: b.tlp,
    confidence: b.confidence,
    published: b.published,
    published_on: b.published_on,
    received: false,
    report_id: b.report_id,
    created: b.created,
    modified: b.modified,
    created_by: b.created_by,
    modified_by: b.created_by,
    server_collections: [],
    tags: [],
  };
}

export function bulletinDetail(b: Bulletin, objects: CtixObject[] = []) {
  const inline = b.inline ? { objects: objects.map((o) => (b.inline!.shape === 'items' ? threatDataItem(o) : { id: o.id, type: o.type })) } : {};
  return { ...bulletinItem(b), description: b.description, attachments: [], ...inline };
}
