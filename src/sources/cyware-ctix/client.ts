import type { z } from 'zod';
import { CYWARE_CTIX } from './vendor-id.js';
import { VendorError } from '../http/vendor-error.js';
import { sleep, type CallOptions, type CallLimiter, type HealthSink, type TlsOptions } from '../http/vendor-http.js';
import type { OpenApiCredentials } from '../cyware-signing/open-api-signature.js';
import { CywareOpenApiHttp } from '../cyware-signing/signed-http.js';
import { ctixSettingsSchema, type CtixSettings } from './settings.js';
import {
  bulletinPageSchema, bulletinSchema, canvasNodePageSchema, canvasPageSchema, canvasSchema, createdBulletinSchema,
  ingestBundleResultSchema, pingSchema, relatedObjectPageSchema, relatedObjectSchema, taskAcceptedSchema, taskReportSchema,
  threatDataDetailSchema, threatDataPageSchema,
  type BulletinWire, type InlineBulletinObjectWire, type CanvasNodeWire, type CanvasWire, type CreateBulletinBody, type IngestBundleBody,
  type ListEnvelope, type OpenApiIntelBody, type QuickIntelBody, type RelatedObjectWire, type StixBundle,
  type TaskAcceptedWire, type TaskReportWire, type ThreatDataDetailWire, type ThreatDataWire,
} from './wire.js';

export interface CtixClientOptions {
  sourceName: string;
  /** The API root, e.g. `https://tenant.cyware.com/ctixapi`. */
  baseUrl: string;
  credentials: OpenApiCredentials;
  settings?: CtixSettings;
  timeoutMs?: number;
  retries?: number;
  backoffLimitMs?: number;
  tls?: TlsOptions;
  health?: HealthSink;
  limiter?: CallLimiter;
  /** Clock in epoch milliseconds used to sign requests (default Date.now). */
  now?: () => number;
}

export interface PageRequest {
  page?: number;
  pageSize?: number;
}

/** Where an ingested bundle lands: by ids, or by names (unknown ones land in "Import" / "STIX2"). */
export type BundleDestination =
  | { sourceId: string; sourceType: string; collectionId?: string }
  | { sourceName?: string; collectionName?: string };

const TASK_DONE = new Set(['CREATED', 'SUCCESS']);
const TASK_FAILED = new Set(['FAILED', 'ERROR']);
const AUTH_PARAMS = new Set(['AccessID', 'Expires', 'Signature']);

/** Cyware Intel Exchange (CTIX v3) Open API: HTTP calls only, answers parsed into wire shapes. */
export class CtixClient {
  readonly settings: CtixSettings;
  private readonly http: CywareOpenApiHttp;
  private readonly apiRoot: URL;

  constructor(private readonly options: CtixClientOptions) {
    this.settings = options.settings ?? ctixSettingsSchema.parse({});
    this.apiRoot = new URL(options.baseUrl.replace(/\/*$/, '/'));
    this.http = new CywareOpenApiHttp({
      vendor: CYWARE_CTIX,
      sourceName: options.sourceName,
      baseUrl: options.baseUrl,
      credentials: options.credentials,
      signatureValiditySeconds: this.settings.signatureValiditySeconds,
      now: options.now,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      backoffLimitMs: options.backoffLimitMs,
      tls: options.tls,
      health: options.health,
      limiter: options.limiter,
    });
  }

  /** Checks connectivity and credentials (`{"result": "pong"}`). */
  async ping(): Promise<void> {
    await this.http.json('GET', 'ping/', pingSchema);
  }

  /** One page of a CQL search over threat data, newest first unless `sort` says otherwise. */
  listThreatData(query: string, page: PageRequest = {}, sort: 'ctix_created' | '-ctix_created' = '-ctix_created'): Promise<ListEnvelope<ThreatDataWire>> {
    return this.http.json('POST', 'ingestion/threat-data/list/', threatDataPageSchema, {
      searchParams: { ...this.paging(page), sort },
      json: { query },
      idempotent: true, // a search, despite the POST
    });
  }

  /** Every object matching a CQL query, page by page (following `next`), at most `limit` objects. */
  async *threatDataPages(query: string, limit?: number): AsyncGenerator<ThreatDataWire[]> {
    let seen = 0;
    const call: CallOptions = { searchParams: { ...this.paging({}), page_limit: limit }, json: { query }, idempotent: true };
    for await (const results of this.pages('POST', 'ingestion/threat-data/list/', threatDataPageSchema, call)) {
      const wanted = limit === undefined ? results : results.slice(0, limit - seen);
      seen += wanted.length;
      if (wanted.length > 0) yield wanted;
      if (limit !== undefined && seen >= limit) return;
    }
  }

  /** The basic detail of one object; its body has no id, so the id asked for is kept on the result. */
  async getThreatData(objectType: string, id: string): Promise<ThreatDataDetailWire & { id: string }> {
    const detail = await this.http.json('GET', `ingestion/threat-data/${segment(objectType)}/${segment(id)}/basic/`, threatDataDetailSchema);
    return { ...detail, id };
  }

  listRelations(objectType: string, id: string, page: PageRequest = {}): Promise<ListEnvelope<RelatedObjectWire>> {
    return this.http.json('GET', `ingestion/threat-data/${segment(objectType)}/${segment(id)}/relations/`, relatedObjectPageSchema, {
      searchParams: this.paging(page),
    });
  }

  /** Every object related to one object (all pages). */
  async relatedObjects(objectType: string, id: string): Promise<RelatedObjectWire[]> {
    return this.collect(this.pages('GET', `ingestion/threat-data/${segment(objectType)}/${segment(id)}/relations/`, relatedObjectPageSchema,
      { searchParams: this.paging({}) }));
  }

  /** The IOCs (type `indicator`) related to one object. */
  async relatedIndicators(objectType: string, id: string): Promise<RelatedObjectWire[]> {
    return (await this.relatedObjects(objectType, id)).filter((object) => object.type === 'indicator');
  }

  /** Threat investigation canvases; `q` searches titles, `sharedType` is private | shared | received. */
  listInvestigations(filter: { q?: string; sharedType?: string } & PageRequest = {}): Promise<ListEnvelope<CanvasWire>> {
    return this.http.json('GET', 'ingestion/canvas/', canvasPageSchema, {
      searchParams: { ...this.paging(filter), q: filter.q, shared_type: filter.sharedType },
    });
  }

  getInvestigation(id: string): Promise<CanvasWire> {
    return this.http.json('GET', `ingestion/canvas/${segment(id)}/`, canvasSchema);
  }

  /** Every node of a canvas (all pages). */
  async investigationNodes(id: string): Promise<CanvasNodeWire[]> {
    return this.collect(this.pages('GET', `ingestion/canvas/nodes/${segment(id)}/`, canvasNodePageSchema, { searchParams: this.paging({}) }));
  }

  listBulletins(filter: { q?: string } & PageRequest = {}): Promise<ListEnvelope<BulletinWire>> {
    return this.http.json('GET', 'conversion/threat-bulletin/', bulletinPageSchema, {
      searchParams: { ...this.paging(filter), q: filter.q },
    });
  }

  getBulletin(id: string): Promise<BulletinWire> {
    return this.http.json('GET', `conversion/threat-bulletin/${segment(id)}/`, bulletinSchema);
  }

  /**
   * A bulletin's threat data objects (pass its detail): the relations of the report it published, and the objects
   * its detail lists inline, each once. An inline entry without its type and name is read by its type (basic
   * detail); one without even a type cannot be read and is left out.
   */
  async bulletinObjects(bulletin: BulletinWire): Promise<RelatedObjectWire[]> {
    const [related, inline] = await Promise.all([
      bulletin.report_id ? this.relatedObjects('report', bulletin.report_id) : Promise.resolve([]),
      Promise.all((bulletin.objects ?? []).map((entry) => this.inlineObject(entry))),
    ]);
    const byId = new Map<string, RelatedObjectWire>();
    for (const object of [...related, ...inline]) if (object && !byId.has(object.id)) byId.set(object.id, object);
    return [...byId.values()];
  }

  private async inlineObject(entry: InlineBulletinObjectWire): Promise<RelatedObjectWire | null> {
    const complete = relatedObjectSchema.safeParse(entry);
    if (complete.success) return complete.data;
    if (!entry.type) return null;
    return this.getThreatData(entry.type, entry.id);
  }

  /** Creates a bulletin (201); returns its id. */
  async createBulletin(body: CreateBulletinBody): Promise<string> {
    return (await this.http.json('POST', 'conversion/threat-bulletin/', createdBulletinSchema, { json: body })).id;
  }

  /** Quick Add Intel: asynchronous, answers a task id (see `waitForTask`). */
  quickAddIntel(body: QuickIntelBody): Promise<TaskAcceptedWire> {
    return this.http.json('POST', 'conversion/quick-intel/create-stix/', taskAcceptedSchema, { json: body });
  }

  /** Create Intel via Open API (many IOCs at once): asynchronous, answers a task id. */
  createIntel(body: OpenApiIntelBody): Promise<TaskAcceptedWire> {
    return this.http.json('POST', 'conversion/quick-intel/open-api/', taskAcceptedSchema, { json: body });
  }

  taskReport(taskId: string): Promise<TaskReportWire> {
    return this.http.json('GET', 'conversion/quick-intel/receive-report/', taskReportSchema, { searchParams: { task_id: taskId } });
  }

  /**
   * Polls a creation task until CTIX reports it CREATED/SUCCESS (returns the report object's id) or
   * FAILED/ERROR (UPSTREAM_REJECTED); still pending after the configured attempts → UPSTREAM_UNAVAILABLE.
   */
  async waitForTask(taskId: string): Promise<string | null> {
    const { taskPollAttempts, taskPollIntervalMs } = this.settings;
    for (let attempt = 1; attempt <= taskPollAttempts; attempt += 1) {
      const report = await this.taskReport(taskId);
      const status = report.report_status.toUpperCase();
      if (TASK_DONE.has(status)) return report.report_id ?? null;
      if (TASK_FAILED.has(status)) throw this.error('UPSTREAM_REJECTED', `intel creation task ${taskId} ended ${status}`);
      if (attempt < taskPollAttempts) await sleep(taskPollIntervalMs);
    }
    throw this.error('UPSTREAM_UNAVAILABLE', `intel creation task ${taskId} still in progress after ${taskPollAttempts} polls`);
  }

  /**
   * Sends a STIX 2.1 bundle to ingestion (to the configured source/collection unless told otherwise).
   * Ingestion upserts by STIX id, so a repeated send is harmless and the call may be retried.
   */
  async ingestBundle(bundle: StixBundle, destination: BundleDestination = this.configuredDestination()): Promise<void> {
    const body: IngestBundleBody = 'sourceId' in destination
      ? { source_id: destination.sourceId, source_type: destination.sourceType, collection_id: destination.collectionId, bundle }
      : { source_name: destination.sourceName, collection_name: destination.collectionName, bundle };
    const result = await this.http.json('POST', 'ingestion/ingestion-api/ingest_bundle/', ingestBundleResultSchema, { json: body, idempotent: true });
    if (!result.success) throw this.error('UPSTREAM_REJECTED', `bundle ${bundle.id} refused: ${result.message ?? 'no reason given'}`);
  }

  private configuredDestination(): BundleDestination {
    const s = this.settings;
    return s.ingestSourceId
      ? { sourceId: s.ingestSourceId, sourceType: s.ingestSourceType, collectionId: s.ingestCollectionId }
      : { sourceName: s.ingestSourceName, collectionName: s.ingestCollectionName };
  }

  /** Follows an envelope's `next` links (relative to the API root) until null or an empty page. */
  private async *pages<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<ListEnvelope<T>>, call: CallOptions): AsyncGenerator<T[]> {
    let request: { path: string; call: CallOptions } | null = { path, call };
    while (request) {
      const page: ListEnvelope<T> = await this.http.json(method, request.path, schema, request.call);
      if (page.results.length === 0) return;
      yield page.results;
      request = page.next ? this.followLink(page.next, call) : null;
    }
  }

  private async collect<T>(pages: AsyncGenerator<T[]>): Promise<T[]> {
    const all: T[] = [];
    for await (const results of pages) all.push(...results);
    return all;
  }

  /** Turns a `next` link (relative, or absolute under the API root) into a path and its query parameters. */
  private followLink(link: string, call: CallOptions): { path: string; call: CallOptions } {
    const url = new URL(link, this.apiRoot);
    if (url.origin !== this.apiRoot.origin || !url.pathname.startsWith(this.apiRoot.pathname)) {
      throw this.error('UPSTREAM_BAD_RESPONSE', `next link '${link}' points outside the API root`);
    }
    const searchParams: Record<string, string> = {};
    for (const [key, value] of url.searchParams) if (!AUTH_PARAMS.has(key)) searchParams[key] = value;
    return { path: url.pathname.slice(this.apiRoot.pathname.length), call: { ...call, searchParams } };
  }

  private paging(page: PageRequest): { page: number; page_size: number } {
    return { page: page.page ?? 1, page_size: page.pageSize ?? this.settings.pageSize };
  }

  private error(code: VendorError['code'], message: string): VendorError {
    return new VendorError(code, CYWARE_CTIX, this.options.sourceName, message);
  }
}

/** One path segment, encoded (ids come from callers). */
function segment(value: string): string {
  return encodeURIComponent(value);
}
