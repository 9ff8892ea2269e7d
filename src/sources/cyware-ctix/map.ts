import type { IndicatorType } from '../../domain/model.js';
import type {
  BulletinWire, CanvasNodeWire, CanvasWire, OpenApiIntelBody, QuickIntelBody, ThreatDataDetailWire, ThreatDataWire,
} from './wire.js';

/** A CTIX threat data object (an IOC or any other STIX object: malware, report, threat actor, …). */
export interface ThreatDataObject {
  id: string;
  /** STIX type: `indicator`, `malware`, `report`, … */
  type: string;
  /** Our indicator type when the object is an IOC of a type we handle, else null. */
  iocType: IndicatorType | null;
  name: string;
  /** The IOC value for indicators (CTIX names an indicator by its value), else null. */
  value: string | null;
  tlp: string | null;
  /** 0–100; XSOAR bands it ≤30 good, ≤70 suspicious, >70 bad. */
  confidenceScore: number | null;
  /** When CTIX received / last changed the object (`ctix_created` / `ctix_modified`). */
  createdAt: Date | null;
  modifiedAt: Date | null;
}

export interface ThreatInvestigation {
  id: string;
  name: string;
  nodes: ThreatDataObject[];
}

export interface ThreatBulletin {
  id: string;
  title: string;
  status: string;
  tlp: string | null;
  objects: ThreatDataObject[];
}

/** A new indicator to create in CTIX. */
export interface NewIndicator {
  type: IndicatorType;
  value: string;
}

/** CTIX `ioc_type` spellings we understand (compared lower-case: hash types arrive upper-case, `SHA-256`). */
const INDICATOR_TYPE_BY_IOC_TYPE: Record<string, IndicatorType> = {
  'ipv4-addr': 'IPV4',
  'ipv6-addr': 'IPV6',
  'domain-name': 'DOMAIN',
  domain: 'DOMAIN',
  url: 'URL',
  'email-addr': 'EMAIL',
  md5: 'MD5',
  'sha-1': 'SHA1',
  'sha-256': 'SHA256',
  'sha-512': 'SHA512',
  ssdeep: 'SSDEEP',
};

/** The exact `ioc_type` values CQL filters on. */
const CTIX_IOC_TYPE: Record<IndicatorType, string> = {
  IPV4: 'ipv4-addr', IPV6: 'ipv6-addr', DOMAIN: 'domain-name', URL: 'url', EMAIL: 'email-addr', MD5: 'MD5', SHA1: 'SHA-1', SHA256: 'SHA-256',
  SHA512: 'SHA-512', SSDEEP: 'SSDEEP',
};

/** Indicator keys of Quick Add Intel (`indicators: {"ipv4-addr": "…"}`). */
const QUICK_INTEL_KEY: Record<IndicatorType, string> = {
  IPV4: 'ipv4-addr', IPV6: 'ipv6-addr', DOMAIN: 'domain', URL: 'url', EMAIL: 'email', MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256',
  SHA512: 'sha512', SSDEEP: 'ssdeep',
};

/** IOC keys of Create Intel via Open API (`all_sdos.all_iocs`). */
const OPEN_API_IOC_KEY: Record<IndicatorType, string> = {
  IPV4: 'ipv4', IPV6: 'ipv6', DOMAIN: 'domain', URL: 'url', EMAIL: 'email_address', MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256',
  SHA512: 'sha512', SSDEEP: 'ssdeep',
};

/** CTIX IOC type → our IndicatorType; null for types we do not handle (SHA-224, SHA-384, file, asn, …). */
export function toIndicatorType(iocType: string | null | undefined): IndicatorType | null {
  return iocType ? INDICATOR_TYPE_BY_IOC_TYPE[iocType.toLowerCase()] ?? null : null;
}

export function toCtixIocType(type: IndicatorType): string {
  return CTIX_IOC_TYPE[type];
}

/** The IOC type of an indicator as CTIX spells it (`ipv4-addr`, `SHA-512`, `SSDEEP`, …); null for other objects. */
export function ctixIocType(wire: ThreatDataWire | ThreatDataDetailWire): string | null {
  if (wire.type !== 'indicator') return null;
  // List items say `sub_type: "value"` and carry `ioc_type`; the basic detail puts the IOC type in `sub_type`.
  return wire.ioc_type ?? wire.indicator_type ?? (wire.sub_type && wire.sub_type !== 'value' ? wire.sub_type : null);
}

/** The CTIX IOC type of a canvas node (its `prop`), null for nodes that are not indicators. */
export function nodeCtixIocType(node: CanvasNodeWire): string | null {
  const prop = node.prop;
  if ((prop.parent_type ?? 'unknown') !== 'indicator') return null;
  return prop.ioc_type ?? prop.indicator_type ?? null;
}

/** A listed or detailed object (a detail needs the id it was fetched by: its body has none). */
export function toThreatDataObject(wire: (ThreatDataWire | ThreatDataDetailWire) & { id: string }): ThreatDataObject {
  const isIndicator = wire.type === 'indicator';
  // List items say `sub_type: "value"` and carry `ioc_type`; the basic detail puts the IOC type in `sub_type`.
  const iocType = wire.ioc_type ?? wire.indicator_type ?? (wire.sub_type !== 'value' ? wire.sub_type : null);
  const attributeValue = 'attribute_value' in wire ? wire.attribute_value : null;
  return {
    id: wire.id,
    type: wire.type,
    iocType: isIndicator ? toIndicatorType(iocType) : null,
    name: wire.name,
    value: isIndicator ? attributeValue ?? wire.name : null,
    // An analyst's TLP / score overrides the feed's.
    tlp: wire.analyst_tlp ?? wire.tlp ?? null,
    confidenceScore: wire.analyst_score ?? wire.confidence_score ?? null,
    createdAt: fromEpoch(wire.ctix_created ?? wire.created),
    modifiedAt: fromEpoch(wire.ctix_modified ?? wire.modified),
  };
}

/** A canvas node: the object's fields sit in `prop`, its label in `t`. */
export function nodeToThreatDataObject(node: CanvasNodeWire): ThreatDataObject {
  const prop = node.prop;
  const type = prop.parent_type ?? 'unknown';
  const isIndicator = type === 'indicator';
  return {
    id: prop.id ?? prop.stix_object_id ?? node.id,
    type,
    iocType: isIndicator ? toIndicatorType(prop.ioc_type ?? prop.indicator_type ?? prop.type) : null,
    name: node.t,
    value: isIndicator ? node.t : null,
    tlp: prop.tlp ?? prop.tlp_data ?? null,
    confidenceScore: prop.confidence_score ?? prop.score ?? null,
    createdAt: fromEpoch(prop.ctix_created ?? prop.created),
    modifiedAt: fromEpoch(prop.ctix_modified ?? prop.modified),
  };
}

export function toThreatInvestigation(canvas: CanvasWire, nodes: CanvasNodeWire[]): ThreatInvestigation {
  return { id: canvas.id, name: canvas.name, nodes: nodes.map(nodeToThreatDataObject) };
}

export function toThreatBulletin(bulletin: BulletinWire, objects: ThreatDataWire[]): ThreatBulletin {
  return {
    id: bulletin.id,
    title: bulletin.title,
    status: bulletin.status,
    tlp: bulletin.tlp ?? null,
    objects: objects.map(toThreatDataObject),
  };
}

/** Quick Add Intel takes one value per indicator key, so it carries exactly one IOC (as Cyware's own action does). */
export function toQuickIntelBody(intel: {
  title: string; indicator: NewIndicator; tlp: string; confidence?: number; tags?: string[]; description?: string;
}): QuickIntelBody {
  return {
    context: 'QUICK_ADD_INTEL_FLOW',
    title: intel.title,
    indicators: { [QUICK_INTEL_KEY[intel.indicator.type]]: intel.indicator.value },
    metadata: {
      tlp: intel.tlp,
      default_marking_definition: intel.tlp,
      tags: intel.tags ?? [],
      is_apply_all: true,
      confidence: intel.confidence,
      description: intel.description,
    },
    create_intel_feed: true,
  };
}

/** Create Intel via Open API: any number of IOCs, grouped by type. */
export function toOpenApiIntelBody(intel: {
  title: string; indicators: NewIndicator[]; tlp: string; confidence?: number; labels?: string[]; description?: string;
  source?: string; collection?: string;
}): OpenApiIntelBody {
  const allIocs: OpenApiIntelBody['all_sdos']['all_iocs'] = {};
  for (const indicator of intel.indicators) {
    (allIocs[OPEN_API_IOC_KEY[indicator.type]] ??= []).push({ value: indicator.value });
  }
  return {
    title: intel.title,
    source: intel.source,
    collection: intel.collection,
    metadata: { tlp: intel.tlp, confidence: intel.confidence, labels: intel.labels, description: intel.description },
    all_sdos: { all_iocs: allIocs },
  };
}

function fromEpoch(seconds: number | null | undefined): Date | null {
  return seconds === null || seconds === undefined ? null : new Date(seconds * 1000);
}
