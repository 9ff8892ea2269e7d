import { randomUUID } from 'node:crypto';
import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { seedThreatData } from './generator.js';
import { threatDataItem } from './shapes.js';
import { SANDBOX_USER, nowSeconds, type CtixObject, type CtixStore } from './store.js';

/**
 * Vendor-specific control routes (`/__sandbox/...`): create threat data, investigations and bulletins as
 * CTIX's own users and feeds would, and read back what the hub sent (bundles, intel tasks).
 */

const seedIndicator = z.object({
  ioc_type: z.string(),
  value: z.string().min(1),
  tlp: z.string().optional(),
  confidence_score: z.number().int().min(0).max(100).optional(),
});

const seedObject = z.object({
  id: z.uuid().optional(),
  type: z.string().default('indicator'),
  name: z.string().min(1),
  ioc_type: z.string().optional(),
  description: z.string().optional(),
  tlp: z.string().optional(),
  analyst_tlp: z.string().optional(),
  confidence_score: z.number().int().min(0).max(100).optional(),
  analyst_score: z.number().int().min(0).max(100).optional(),
  source_confidence: z.string().optional(),
  /** Source name; created if new. */
  source: z.string().optional(),
  tags: z.array(z.string()).default([]),
  created: z.number().int().optional(),
  modified: z.number().int().optional(),
  ctix_created: z.number().int().optional(),
  ctix_modified: z.number().int().optional(),
  is_deprecated: z.boolean().optional(),
  is_false_positive: z.boolean().optional(),
  is_whitelisted: z.boolean().optional(),
  /** Existing objects to relate this one to. */
  related: z.array(z.object({ id: z.string(), relationship_type: z.string().default('related-to') })).default([]),
  /** New IOCs created with this object and related to it. */
  indicators: z.array(seedIndicator).default([]),
}).refine((o) => o.type !== 'indicator' || o.ioc_type, { message: 'an indicator needs ioc_type', path: ['ioc_type'] });

const seedBody = z.union([z.object({ objects: z.array(seedObject) }), seedObject.transform((o) => ({ objects: [o] }))]);

const bulkSeedBody = z.object({
  count: z.number().int().min(1).max(100_000),
  iocsPerObject: z.number().int().min(0).max(100).default(5),
});

const investigationBody = z.object({
  name: z.string().min(1),
  shared_type: z.enum(['private', 'shared', 'received']).default('private'),
  objectIds: z.array(z.string()).default([]),
});

const bulletinBody = z.object({
  title: z.string().min(1),
  description: z.string().default(''),
  status: z.string().default('CREATED'),
  tlp: z.string().default('AMBER'),
  published: z.boolean().default(true),
  objectIds: z.array(z.string()).default([]),
  /** List these objects inline in the detail (`objects`) instead of through a report: full items or `{id, type}`. */
  inline: z.enum(['items', 'refs']).optional(),
});

const sourceBody = z.object({
  name: z.string().min(1),
  source_type: z.string().default('CUSTOM_STIX_SOURCES'),
  collection: z.string().optional(),
});

const settingsBody = z.object({
  taskDelayMs: z.number().int().min(0).optional(),
  rateLimitPerMinute: z.number().int().min(1).nullable().optional(),
  /** How far the tenant's clock is ahead (negative: behind) of real time, to play a skewed client clock. */
  clockSkewSeconds: z.number().int().min(-86_400).max(86_400).optional(),
});

export function ctixControlRouter(store: CtixStore): Router {
  const router = express.Router();
  router.use(express.json({ limit: '50mb' }));

  /** Seeds threat data objects (one, or `{objects: [...]}`), with optional new related IOCs. */
  router.post('/threat-data', (req, res) => {
    const parsed = seedBody.safeParse(req.body);
    if (!parsed.success) return badRequest(res, parsed.error);
    const created = [];
    for (const seed of parsed.data.objects) {
      const unknown = seed.related.find((r) => !store.objects.has(r.id));
      if (unknown) return void res.status(400).json({ error: `unknown related object ${unknown.id}` });
      const sources = seed.source ? [store.ensureSource(seed.source, 'API_FEEDS')] : undefined;
      const object = store.addObject({
        id: seed.id, type: seed.type, name: seed.name, iocType: seed.ioc_type ?? null, description: seed.description,
        tlp: seed.tlp, analystTlp: seed.analyst_tlp, confidenceScore: seed.confidence_score, analystScore: seed.analyst_score,
        sourceConfidence: seed.source_confidence, sources, tags: seed.tags.map((name) => store.tag(name)),
        created: seed.created, modified: seed.modified, ctixCreated: seed.ctix_created, ctixModified: seed.ctix_modified,
        isDeprecated: seed.is_deprecated, isFalsePositive: seed.is_false_positive, isWhitelisted: seed.is_whitelisted,
      });
      for (const relation of seed.related) store.relate(object.id, relation.id, relation.relationship_type);
      for (const ioc of seed.indicators) {
        const indicator = store.findIndicator(ioc.ioc_type, ioc.value) ?? store.addObject({
          type: 'indicator', iocType: ioc.ioc_type, name: ioc.value, tlp: ioc.tlp ?? seed.tlp,
          confidenceScore: ioc.confidence_score ?? seed.confidence_score, sources,
        });
        store.relate(object.id, indicator.id, 'indicates');
      }
      created.push(readBack(store, object));
    }
    res.status(201).json({ objects: created });
  });

  /** Bulk generator for benches: `{count, iocsPerObject}`. */
  router.post('/seed', (req, res) => {
    const parsed = bulkSeedBody.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, parsed.error);
    const objects = seedThreatData(store, parsed.data.count, parsed.data.iocsPerObject);
    res.status(201).json({
      objects: objects.length,
      indicators: objects.length * parsed.data.iocsPerObject,
      objectIds: objects.map((o) => ({ id: o.id, type: o.type })),
    });
  });

  /** Every object, with the ids it is related to (optionally `?type=` / `?name=`). */
  router.get('/threat-data', (req, res) => {
    const type = typeof req.query.type === 'string' ? req.query.type : undefined;
    const name = typeof req.query.name === 'string' ? req.query.name : undefined;
    store.settle();
    const objects = [...store.objects.values()].filter((o) => (!type || o.type === type) && (!name || o.name === name));
    res.json({ count: objects.length, objects: objects.map((o) => readBack(store, o)) });
  });

  router.post('/investigations', (req, res) => {
    const parsed = investigationBody.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, parsed.error);
    const unknown = parsed.data.objectIds.find((id) => !store.objects.has(id));
    if (unknown) return void res.status(400).json({ error: `unknown object ${unknown}` });
    const now = nowSeconds();
    const canvas = { id: randomUUID(), name: parsed.data.name, shared_type: parsed.data.shared_type, created: now, modified: now,
      created_by: SANDBOX_USER, objectIds: parsed.data.objectIds };
    store.canvases.set(canvas.id, canvas);
    res.status(201).json(canvas);
  });

  /** A published bulletin: a report object titled like it, related to the given objects. */
  router.post('/bulletins', (req, res) => {
    const parsed = bulletinBody.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, parsed.error);
    const { objectIds, published, inline, ...fields } = parsed.data;
    const unknown = objectIds.find((id) => !store.objects.has(id));
    if (unknown) return void res.status(400).json({ error: `unknown object ${unknown}` });
    let reportId: string | null = null;
    if (!inline) {
      const report = store.addObject({ type: 'report', name: fields.title, tlp: fields.tlp });
      for (const id of objectIds) store.relate(report.id, id);
      reportId = report.id;
    }
    const now = nowSeconds();
    const bulletin = { id: randomUUID(), ...fields, confidence: 'MEDIUM', published, published_on: published ? now : null,
      created: now, modified: now, created_by: SANDBOX_USER, report_id: reportId, ...(inline ? { inline: { ids: objectIds, shape: inline } } : {}) };
    store.bulletins.set(bulletin.id, bulletin);
    res.status(201).json(bulletin);
  });

  /** A custom STIX source (and collection) for `ingest_bundle/` by id. */
  router.post('/sources', (req, res) => {
    const parsed = sourceBody.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, parsed.error);
    const source = store.ensureSource(parsed.data.name, parsed.data.source_type);
    const collection = store.ensureCollection(parsed.data.collection ?? parsed.data.name);
    res.status(201).json({ source, collection });
  });

  router.get('/sources', (_req, res) => void res.json({ sources: store.sources, collections: store.collections }));

  /** Bundles received on `ingest_bundle/`, where they landed and what they created. */
  router.get('/bundles', (_req, res) => {
    store.settle();
    res.json({ count: store.bundles.length, bundles: store.bundles });
  });

  router.get('/tasks', (_req, res) => {
    store.settle();
    res.json({ tasks: [...store.tasks.values()] });
  });

  router.get('/settings', (_req, res) => void res.json(store.settings));
  router.put('/settings', (req, res) => {
    const parsed = settingsBody.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, parsed.error);
    const { taskDelayMs, rateLimitPerMinute, clockSkewSeconds } = parsed.data;
    if (taskDelayMs !== undefined) store.settings.taskDelayMs = taskDelayMs;
    if (clockSkewSeconds !== undefined) store.settings.clockSkewSeconds = clockSkewSeconds;
    if (rateLimitPerMinute !== undefined) store.settings.rateLimitPerMinute = rateLimitPerMinute ?? undefined;
    res.json(store.settings);
  });

  return router;
}

function readBack(store: CtixStore, object: CtixObject) {
  return { ...threatDataItem(object), stix_id: object.stixId, related_ids: store.relatedTo(object.id).map((r) => r.object.id) };
}

function badRequest(res: Response, error: z.ZodError): void {
  res.status(400).json({ error: z.prettifyError(error) });
}
