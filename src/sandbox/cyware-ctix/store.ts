import { randomUUID } from 'node:crypto';
import { QuotaCounter, type QuotaDecision } from '../kit/index.js';
import { processBundle } from './bundle-ingestion.js';
import type { Bulletin, Canvas, CollectionRef, CtixObject, CtixSandboxSettings, IngestedBundle, IntelTask, SourceRef, UserRef } from './model.js';

/** In-memory state of the Intel Exchange sandbox (its shapes: model.ts). */
export type * from './model.js';

export const SANDBOX_USER: UserRef = { id: '3a4d629c-3061-412b-9049-86d33704e608', email: 'soc.bot@sandbox.cyware.test', first_name: 'SOC', last_name: 'Bot' };

const DEFAULT_SETTINGS: CtixSandboxSettings = { taskDelayMs: 3_000, clockSkewSeconds: 0 };

export class CtixStore {
  objects = new Map<string, CtixObject>();
  private byStixId = new Map<string, string>();
  /** `iocType|value` → id: CTIX keeps one object per IOC. */
  private byIoc = new Map<string, string>();
  private tags = new Map<string, CtixObject['tags'][number]>();
  /** objectId → (related objectId → relationship type), kept in both directions. */
  private relations = new Map<string, Map<string, string>>();
  canvases = new Map<string, Canvas>();
  bulletins = new Map<string, Bulletin>();
  tasks = new Map<string, IntelTask>();
  bundles: IngestedBundle[] = [];
  sources: SourceRef[] = [];
  collections: CollectionRef[] = [];
  /** Per-AccessID request budgets (limits from `settings.rateLimitPerMinute`). */
  private quotas = new Map<string, QuotaCounter>();
  settings: CtixSandboxSettings = { ...DEFAULT_SETTINGS };
  private bundleSeq = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.objects.clear();
    this.byStixId.clear();
    this.byIoc.clear();
    this.tags.clear();
    this.relations.clear();
    this.canvases.clear();
    this.bulletins.clear();
    this.tasks.clear();
    this.bundles = [];
    this.bundleSeq = 0;
    this.settings = { ...DEFAULT_SETTINGS };
    this.quotas.clear();
    // CTIX's fallbacks: bundles with an unknown destination land here; Open API intel defaults to the second pair.
    this.sources = [
      { id: randomUUID(), name: 'Import', source_type: 'MISCELLANEOUS' },
      { id: randomUUID(), name: 'Open API Source', source_type: 'MISCELLANEOUS' },
    ];
    this.collections = [{ id: randomUUID(), name: 'STIX2' }, { id: randomUUID(), name: 'API Import' }];
  }

  /** Counts one request of an access id against the per-minute budget. */
  takeQuota(accessId: string): QuotaDecision {
    let quota = this.quotas.get(accessId);
    if (!quota) this.quotas.set(accessId, (quota = new QuotaCounter()));
    quota.limits = { perMinute: this.settings.rateLimitPerMinute };
    return quota.take();
  }

  addObject(fields: Partial<CtixObject> & Pick<CtixObject, 'type' | 'name'>): CtixObject {
    const now = nowSeconds();
    const id = fields.id ?? randomUUID();
    const object: CtixObject = {
      id,
      stixId: fields.stixId ?? `${fields.type}--${randomUUID()}`,
      type: fields.type,
      iocType: fields.iocType ?? null,
      name: fields.name,
      description: fields.description ?? null,
      pattern: fields.pattern ?? null,
      tlp: fields.tlp ?? 'AMBER',
      analystTlp: fields.analystTlp ?? null,
      confidenceScore: fields.confidenceScore ?? 50,
      analystScore: fields.analystScore ?? null,
      sourceConfidence: fields.sourceConfidence ?? 'MEDIUM',
      created: fields.created ?? now,
      modified: fields.modified ?? fields.created ?? now,
      ctixCreated: fields.ctixCreated ?? now,
      ctixModified: fields.ctixModified ?? fields.ctixCreated ?? now,
      validFrom: fields.validFrom ?? fields.created ?? now,
      validUntil: fields.validUntil ?? null,
      isDeprecated: fields.isDeprecated ?? false,
      isFalsePositive: fields.isFalsePositive ?? false,
      isWhitelisted: fields.isWhitelisted ?? false,
      sources: fields.sources ?? [this.sources[1]!],
      collections: fields.collections ?? [this.collections[1]!],
      tags: fields.tags ?? [],
    };
    this.objects.set(id, object);
    this.byStixId.set(object.stixId, id);
    if (object.iocType) this.byIoc.set(`${object.iocType}|${object.name}`, id);
    return object;
  }

  objectByStixId(stixId: string): CtixObject | undefined {
    const id = this.byStixId.get(stixId);
    return id ? this.objects.get(id) : undefined;
  }

  /** Another STIX id for an existing object (a re-sent IOC merges into the object holding its value). */
  aliasStixId(stixId: string, id: string): void {
    this.byStixId.set(stixId, id);
  }

  /** CTIX keeps one object per IOC value and type: a new sighting updates it instead of duplicating it. */
  findIndicator(iocType: string, value: string): CtixObject | undefined {
    const id = this.byIoc.get(`${iocType}|${value}`);
    return id ? this.objects.get(id) : undefined;
  }

  /** Tags are objects with a stable id per name. */
  tag(name: string): CtixObject['tags'][number] {
    let tag = this.tags.get(name);
    if (!tag) this.tags.set(name, (tag = { id: randomUUID(), name, colour_code: '#0068FA' }));
    return tag;
  }

  relate(a: string, b: string, relationshipType = 'related-to'): void {
    if (a === b) return;
    if (!this.relations.has(a)) this.relations.set(a, new Map());
    if (!this.relations.has(b)) this.relations.set(b, new Map());
    this.relations.get(a)!.set(b, relationshipType);
    this.relations.get(b)!.set(a, relationshipType);
  }

  relatedTo(id: string): Array<{ object: CtixObject; relationshipType: string }> {
    const related = this.relations.get(id) ?? new Map<string, string>();
    return [...related].flatMap(([otherId, relationshipType]) => {
      const object = this.objects.get(otherId);
      return object ? [{ object, relationshipType }] : [];
    });
  }

  sourceById(id: string | undefined): SourceRef | undefined {
    return id ? this.sources.find((s) => s.id === id) : undefined;
  }

  sourceByName(name: string | undefined): SourceRef | undefined {
    return name ? this.sources.find((s) => s.name === name) : undefined;
  }

  collectionById(id: string | undefined): CollectionRef | undefined {
    return id ? this.collections.find((c) => c.id === id) : undefined;
  }

  collectionByName(name: string | undefined): CollectionRef | undefined {
    return name ? this.collections.find((c) => c.name === name) : undefined;
  }

  /** Open API intel names an unknown source/collection freely: CTIX creates it. */
  ensureSource(name: string, sourceType = 'MISCELLANEOUS'): SourceRef {
    let source = this.sourceByName(name);
    if (!source) this.sources.push((source = { id: randomUUID(), name, source_type: sourceType }));
    return source;
  }

  ensureCollection(name: string): CollectionRef {
    let collection = this.collectionByName(name);
    if (!collection) this.collections.push((collection = { id: randomUUID(), name }));
    return collection;
  }

  addTask(task: Omit<IntelTask, 'id' | 'receivedAt' | 'readyAtMs' | 'status' | 'reportId'>): IntelTask {
    const stored: IntelTask = {
      ...task,
      id: randomUUID(),
      receivedAt: nowSeconds(),
      readyAtMs: Date.now() + this.settings.taskDelayMs,
      status: 'IN_PROGRESS',
      reportId: null,
    };
    this.tasks.set(stored.id, stored);
    return stored;
  }

  addBundle(entry: Omit<IngestedBundle, 'seq' | 'receivedAt' | 'readyAtMs' | 'processed' | 'objectIds'>): IngestedBundle {
    const stored: IngestedBundle = {
      ...entry,
      seq: ++this.bundleSeq,
      receivedAt: nowSeconds(),
      readyAtMs: Date.now() + this.settings.taskDelayMs,
      processed: false,
      objectIds: [],
    };
    this.bundles.push(stored);
    return stored;
  }

  /** Finishes the asynchronous work that is due: intel tasks and ingested bundles (called before each API request). */
  settle(nowMs = Date.now()): void {
    for (const task of this.tasks.values()) if (task.status === 'IN_PROGRESS' && task.readyAtMs <= nowMs) this.completeTask(task);
    for (const entry of this.bundles) if (!entry.processed && entry.readyAtMs <= nowMs) processBundle(this, entry);
  }

  /** Creates the report and IOCs of a finished intel task (a report titled as the intel, related to every IOC). */
  private completeTask(task: IntelTask): void {
    const report = this.addObject({
      type: 'report', name: task.title, description: task.description, tlp: task.tlp, confidenceScore: task.confidence,
      sources: [task.source], collections: [task.collection], tags: task.tags.map((name) => this.tag(name)),
    });
    for (const ioc of task.iocs) {
      const indicator = this.findIndicator(ioc.iocType, ioc.value) ?? this.addObject({
        type: 'indicator', iocType: ioc.iocType, name: ioc.value, tlp: task.tlp, confidenceScore: task.confidence,
        sources: [task.source], collections: [task.collection], tags: task.tags.map((name) => this.tag(name)),
      });
      indicator.ctixModified = nowSeconds();
      this.relate(report.id, indicator.id);
    }
    for (const sdo of task.sdos) {
      const object = this.addObject({
        type: sdo.type, name: sdo.name, tlp: task.tlp, confidenceScore: task.confidence,
        sources: [task.source], collections: [task.collection], tags: task.tags.map((name) => this.tag(name)),
      });
      this.relate(report.id, object.id);
    }
    task.status = 'CREATED';
    task.reportId = report.id;
  }
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
