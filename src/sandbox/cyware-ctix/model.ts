/** What the Intel Exchange sandbox keeps, in memory. Timestamps are epoch seconds, as CTIX answers them. */

export interface SourceRef {
  id: string;
  name: string;
  source_type: string;
}

export interface CollectionRef {
  id: string;
  name: string;
}

export interface UserRef {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
}

/** A threat data object (IOC or other STIX object) as CTIX keeps it. */
export interface CtixObject {
  id: string;
  stixId: string;
  type: string;
  /** Set on indicators: `ipv4-addr`, `domain-name`, `MD5`, `SHA-256`, … */
  iocType: string | null;
  name: string;
  description: string | null;
  pattern: string | null;
  tlp: string;
  analystTlp: string | null;
  confidenceScore: number;
  analystScore: number | null;
  sourceConfidence: string;
  created: number;
  modified: number;
  ctixCreated: number;
  ctixModified: number;
  validFrom: number | null;
  validUntil: number | null;
  isDeprecated: boolean;
  isFalsePositive: boolean;
  isWhitelisted: boolean;
  sources: SourceRef[];
  collections: CollectionRef[];
  tags: Array<{ id: string; name: string; colour_code: string }>;
}

export interface Canvas {
  id: string;
  name: string;
  shared_type: string;
  created: number;
  modified: number;
  created_by: UserRef;
  /** Threat data objects on the canvas, in the order they were added. */
  objectIds: string[];
}

export interface Bulletin {
  id: string;
  title: string;
  description: string;
  status: string;
  tlp: string;
  confidence: string;
  published: boolean;
  published_on: number | null;
  created: number;
  modified: number;
  created_by: UserRef;
  /** The report object the bulletin published; its relations are the bulletin's objects. */
  report_id: string | null;
  /**
   * Objects the detail lists inline (`objects`), as full list items or as `{id, type}` references: a tenant may
   * list a bulletin's objects this way instead of (or as well as) through a report.
   */
  inline?: { ids: string[]; shape: 'items' | 'refs' };
}

/** An IOC waiting in an intel-creation task. */
export interface PendingIoc {
  iocType: string;
  value: string;
}

export interface IntelTask {
  id: string;
  kind: 'quick-intel' | 'open-api';
  receivedAt: number;
  readyAtMs: number;
  status: 'IN_PROGRESS' | 'CREATED';
  reportId: string | null;
  title: string;
  tlp: string;
  confidence: number;
  tags: string[];
  description: string | null;
  iocs: PendingIoc[];
  /** Other objects the intel names (Quick Add Intel `sdos`): created and related to the report like the IOCs. */
  sdos: Array<{ type: string; name: string }>;
  source: SourceRef;
  collection: CollectionRef;
}

/** A bundle received on `ingest_bundle/`, as the control API reads it back. */
export interface IngestedBundle {
  seq: number;
  receivedAt: number;
  readyAtMs: number;
  processed: boolean;
  requested: { source_id?: string; source_type?: string; collection_id?: string; source_name?: string; collection_name?: string };
  /** Where it landed: unknown or missing source/collection → "Import" / "STIX2". */
  source: SourceRef;
  collection: CollectionRef;
  bundle: { type: string; id: string; objects: Array<Record<string, unknown>> };
  /** CTIX ids of the objects it created or updated, once processed. */
  objectIds: string[];
}

export interface CtixSandboxSettings {
  /** Delay before an asynchronous creation (task or bundle) shows up in threat data. */
  taskDelayMs: number;
  /** Per-credential budget; beyond it CTIX answers 429 (no rate-limit headers). Undefined = unlimited. */
  rateLimitPerMinute?: number;
  /** The tenant's clock minus real time, in seconds (signature checks use the tenant's clock). */
  clockSkewSeconds: number;
}
