import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { verifyOpenApiRequest } from '../../sources/cyware-signing/open-api-signature.js';
import { CqlError, matchesCql, parseCql, type CqlQuery } from './cql.js';
import { paginate } from './paging.js';
import { bulletinDetail, bulletinItem, canvasDetail, canvasItem, canvasNode, relatedItem, threatDataBasic, threatDataItem } from './shapes.js';
import { SANDBOX_USER, nowSeconds, type CtixStore, type PendingIoc } from './store.js';

/** Expires may be at most this far ahead of server time (CTIX documents 30 s). */
const MAX_VALIDITY_SECONDS = 30;

/** Quick Add Intel indicator keys → CTIX ioc_type. */
const QUICK_INTEL_IOC_TYPE: Record<string, string> = {
  'ipv4-addr': 'ipv4-addr', 'ipv6-addr': 'ipv6-addr', domain: 'domain-name', url: 'url', email: 'email-addr',
  md5: 'MD5', sha1: 'SHA-1', sha224: 'SHA-224', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512', ssdeep: 'SSDEEP',
  'autonomous-system': 'autonomous-system', 'windows-registry-key': 'windows-registry-key',
};

/** Create Intel via Open API IOC keys → CTIX ioc_type. */
const OPEN_API_IOC_TYPE: Record<string, string> = {
  ipv4: 'ipv4-addr', ipv6: 'ipv6-addr', domain: 'domain-name', url: 'url', email_address: 'email-addr',
  md5: 'MD5', sha1: 'SHA-1', sha224: 'SHA-224', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512', ssdeep: 'SSDEEP',
};

const quickIntelBody = z.object({
  context: z.string().optional(),
  title: z.string().min(1).max(100),
  indicators: z.record(z.string(), z.string().min(1)).default({}),
  /** SDOs by STIX type: `{"vulnerability": "CVE-…", "malware": "…", "threat-actor": "…"}`. */
  sdos: z.record(z.string(), z.string().min(1)).default({}),
  metadata: z.object({
    tlp: z.string().default('AMBER'),
    confidence: z.number().int().min(0).max(100).default(50),
    tags: z.array(z.string()).default([]),
    description: z.string().max(1000).optional(),
  }).prefault({}),
  create_intel_feed: z.boolean().optional(),
}).refine((b) => Object.keys(b.indicators).length + Object.keys(b.sdos).length > 0,
  { message: 'at least one indicator or SDO is required', path: ['indicators'] });

const openApiIntelBody = z.object({
  title: z.string().min(1),
  source: z.string().default('Open API Source'),
  collection: z.string().default('API Import'),
  metadata: z.object({
    confidence: z.number().int().min(0).max(100).default(50),
    tlp: z.string().default('AMBER'),
    labels: z.array(z.string()).default([]),
    description: z.string().optional(),
  }).prefault({}),
  // SDO keys (`malwares`, `vulnerabilities`, …) are accepted and not materialised by the sandbox.
  all_sdos: z.looseObject({
    all_iocs: z.record(z.string(), z.array(z.object({ value: z.string().min(1) }).loose())).default({}),
  }),
});

const stixObject = z.looseObject({ type: z.string(), id: z.string() })
  .refine((o) => new RegExp(`^${o.type}--[0-9a-f-]{36}$`).test(o.id), 'id must be "<type>--<uuid>"');

const ingestBundleBody = z.object({
  source_id: z.string().optional(),
  source_type: z.string().optional(),
  collection_id: z.string().optional(),
  source_name: z.string().optional(),
  collection_name: z.string().optional(),
  bundle: z.object({
    type: z.literal('bundle'),
    id: z.string().regex(/^bundle--[0-9a-f-]{36}$/),
    objects: z.array(stixObject),
  }),
});

const createBulletinBody = z.object({
  title: z.string().min(1),
  description: z.string().default(''),
  status: z.enum(['CREATED', 'DRAFT']).default('DRAFT'),
  tlp: z.string().default('AMBER'),
});

/** The CTIX v3 Open API under `/ctixapi`: every route signed, trailing slashes only, CTIX shapes and errors. */
export function ctixApiRouter(store: CtixStore, secrets: Map<string, string>): Router {
  const router = express.Router({ strict: true });

  router.use((req: Request, res: Response, next: NextFunction) => {
    const verdict = verifyOpenApiRequest(req.query, {
      secretFor: (accessId) => secrets.get(accessId),
      nowSeconds: nowSeconds() + store.settings.clockSkewSeconds,
      maxValiditySeconds: MAX_VALIDITY_SECONDS,
    });
    if (!verdict.ok) return void res.status(verdict.status).json(verdict.body);
    const decision = store.takeQuota(verdict.accessId);
    // CTIX documents no rate-limit headers: the wait is only in the message.
    if (!decision.allowed) return void res.status(429).json(throttled(decision.resetSeconds));
    store.settle();
    next();
  });
  router.use(express.json({ limit: '50mb' }));

  router.get('/ping/', (_req, res) => void res.json({ result: 'pong' }));

  router.post('/ingestion/threat-data/list/', (req, res) => {
    const query = (req.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || query.trim() === '') return invalid(res, 'query', 'This field is required.');
    let cql: CqlQuery;
    try {
      cql = parseCql(query);
    } catch (error) {
      if (error instanceof CqlError) return invalid(res, 'query', `Invalid CQL: ${error.message}`);
      throw error;
    }
    const sort = typeof req.query.sort === 'string' ? req.query.sort : '-ctix_created';
    if (sort !== '-ctix_created' && sort !== 'ctix_created') return invalid(res, 'sort', 'Use ctix_created or -ctix_created.');
    const direction = sort === 'ctix_created' ? 1 : -1;
    let matches = [...store.objects.values()].filter((o) => matchesCql(o, cql));
    matches.sort((a, b) => direction * (a.ctixCreated - b.ctixCreated));
    const pageLimit = typeof req.query.page_limit === 'string' && /^\d+$/.test(req.query.page_limit) ? Number(req.query.page_limit) : undefined;
    if (pageLimit !== undefined) matches = matches.slice(0, pageLimit);
    send(res, paginate(matches, req, 'ingestion/threat-data/list/', threatDataItem));
  });

  router.get('/ingestion/threat-data/:type/:id/basic/', (req, res) => {
    const object = store.objects.get(req.params.id as string);
    if (!object || object.type !== req.params.type) return notFound(res);
    res.json(threatDataBasic(object));
  });

  router.get('/ingestion/threat-data/:type/:id/relations/', (req, res) => {
    const object = store.objects.get(req.params.id as string);
    if (!object || object.type !== req.params.type) return notFound(res);
    const path = `ingestion/threat-data/${object.type}/${object.id}/relations/`;
    send(res, paginate(store.relatedTo(object.id), req, path, (r) => relatedItem(r.object, r.relationshipType)));
  });

  router.get('/ingestion/canvas/', (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.toLowerCase() : undefined;
    const sharedType = typeof req.query.shared_type === 'string' ? req.query.shared_type : undefined;
    const canvases = [...store.canvases.values()]
      .filter((c) => (!q || c.name.toLowerCase().includes(q)) && (!sharedType || c.shared_type === sharedType))
      .sort((a, b) => b.created - a.created);
    send(res, paginate(canvases, req, 'ingestion/canvas/', canvasItem));
  });

  router.get('/ingestion/canvas/nodes/:id/', (req, res) => {
    const canvas = store.canvases.get(req.params.id as string);
    if (!canvas) return notFound(res);
    const objects = canvas.objectIds.flatMap((id) => store.objects.get(id) ?? []);
    send(res, paginate(objects, req, `ingestion/canvas/nodes/${canvas.id}/`, canvasNode));
  });

  router.get('/ingestion/canvas/:id/', (req, res) => {
    const canvas = store.canvases.get(req.params.id as string);
    if (!canvas) return notFound(res);
    res.json(canvasDetail(canvas));
  });

  router.get('/conversion/threat-bulletin/', (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.toLowerCase() : undefined;
    // The sandbox tenant receives no bulletins from other tenants.
    const bulletins = req.query.received === 'true' ? [] : [...store.bulletins.values()]
      .filter((b) => !q || b.title.toLowerCase().includes(q))
      .sort((a, b) => b.created - a.created);
    send(res, paginate(bulletins, req, 'conversion/threat-bulletin/', bulletinItem));
  });

  router.post('/conversion/threat-bulletin/', (req, res) => {
    const parsed = createBulletinBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalidFromZod(res, parsed.error);
    const now = nowSeconds();
    const bulletin = {
      id: randomUUID(), ...parsed.data, confidence: 'MEDIUM', published: false, published_on: null,
      created: now, modified: now, created_by: SANDBOX_USER, report_id: null,
    };
    store.bulletins.set(bulletin.id, bulletin);
    // The create answer differs from list/detail, as documented: `name` not `title`, ISO datetimes, JSON-string tags.
    const iso = new Date(now * 1000).toISOString();
    res.status(201).json({
      id: bulletin.id, created: iso, modified: iso, object_id: null, created_by: SANDBOX_USER.id, modified_by: SANDBOX_USER.id,
      name: bulletin.title, status: bulletin.status, tags: '[]', score: null, tlp: bulletin.tlp, server_collections: '[]',
    });
  });

  router.get('/conversion/threat-bulletin/:id/', (req, res) => {
    const bulletin = store.bulletins.get(req.params.id as string);
    if (!bulletin) return notFound(res);
    const inline = (bulletin.inline?.ids ?? []).flatMap((id) => store.objects.get(id) ?? []);
    res.json(bulletinDetail(bulletin, inline));
  });

  router.post('/conversion/quick-intel/create-stix/', (req, res) => {
    const parsed = quickIntelBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalidFromZod(res, parsed.error);
    const body = parsed.data;
    const iocs: PendingIoc[] = [];
    for (const [key, value] of Object.entries(body.indicators)) {
      const iocType = QUICK_INTEL_IOC_TYPE[key];
      if (!iocType) return invalid(res, `indicators.${key}`, `Unsupported indicator type '${key}'.`);
      iocs.push({ iocType, value });
    }
    const sdos = Object.entries(body.sdos).map(([type, name]) => ({ type, name }));
    const task = store.addTask({
      kind: 'quick-intel', title: body.title, tlp: body.metadata.tlp, confidence: body.metadata.confidence,
      tags: body.metadata.tags, description: body.metadata.description ?? null, iocs, sdos,
      source: store.ensureSource('Open API Source'), collection: store.ensureCollection('API Import'),
    });
    res.json({ details: 'You will be notified once the STIX is created', task_id: task.id });
  });

  router.post('/conversion/quick-intel/open-api/', (req, res) => {
    const parsed = openApiIntelBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalidFromZod(res, parsed.error);
    const body = parsed.data;
    const iocs: PendingIoc[] = [];
    for (const [key, items] of Object.entries(body.all_sdos.all_iocs)) {
      const iocType = OPEN_API_IOC_TYPE[key];
      if (!iocType) return invalid(res, `all_sdos.all_iocs.${key}`, `Unsupported IOC type '${key}'.`);
      for (const item of items) iocs.push({ iocType, value: item.value });
    }
    const task = store.addTask({
      kind: 'open-api', title: body.title, tlp: body.metadata.tlp, confidence: body.metadata.confidence,
      tags: body.metadata.labels, description: body.metadata.description ?? null, iocs, sdos: [],
      // Unknown source and collection names are created, as CTIX does.
      source: store.ensureSource(body.source), collection: store.ensureCollection(body.collection),
    });
    res.status(201).json({ details: 'Intel creation is in progress.', task_id: task.id });
  });

  router.get('/conversion/quick-intel/receive-report/', (req, res) => {
    if (typeof req.query.task_id !== 'string') return invalid(res, 'task_id', 'This field is required.');
    const task = store.tasks.get(req.query.task_id);
    if (!task) return notFound(res);
    res.json({ report_id: task.reportId, report_status: task.status });
  });

  router.post('/ingestion/ingestion-api/ingest_bundle/', (req, res) => {
    const parsed = ingestBundleBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return void res.status(400).json({ success: false, message: `Invalid bundle at '${issue?.path.join('.')}': ${issue?.message}` });
    }
    const { bundle, ...requested } = parsed.data;
    // An unknown or missing source/collection does not fail: the bundle lands in "Import" / "STIX2".
    const source = store.sourceById(requested.source_id) ?? store.sourceByName(requested.source_name) ?? store.sourceByName('Import')!;
    const collection = store.collectionById(requested.collection_id) ?? store.collectionByName(requested.collection_name)
      ?? store.collectionByName('STIX2')!;
    store.addBundle({ requested, source, collection, bundle });
    res.json({ success: true, message: 'Successfully sent bundle to ingestion.' });
  });

  // Django answers an unknown path, and a path without its trailing slash, with 404 (no redirect for APIs).
  router.use((_req, res) => notFound(res));
  router.use((error: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return invalid(res, 'body', 'JSON parse error.');
    next(error);
  });
  return router;
}

/** CTIX-family error body (the shape Cyware's own clients parse: message, errors, status_code). */
function invalid(res: Response, field: string, message: string): void {
  res.status(400).json({ message: 'Check if you have passed valid data', status_code: 400, errors: { [field]: { message } } });
}

function invalidFromZod(res: Response, error: z.ZodError): void {
  const issue = error.issues[0];
  invalid(res, issue?.path.join('.') || 'body', issue?.message ?? 'Invalid data.');
}

function notFound(res: Response): void {
  res.status(404).json({ detail: 'Not found.' });
}

export function throttled(retryInSeconds: number): { message: string; status_code: number } {
  return { message: `Request was throttled. Expected available in ${retryInSeconds} seconds.`, status_code: 429 };
}

function send(res: Response, outcome: { status: number; body: unknown }): void {
  res.status(outcome.status).json(outcome.body);
}
