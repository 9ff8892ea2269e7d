import express, { type Router } from 'express';
import { z } from 'zod';
import { seedIncidents } from './generator.js';
import { readIncidentInput } from './incident-input.js';
import { incidentDetail } from './shapes.js';
import type { CftrStore } from './store.js';

/**
 * Vendor-specific control routes (`/__sandbox/...`): create and change incidents as Respond's analysts would,
 * and read back what the hub created (incidents with their linked threat intel).
 */

const bulkSeedBody = z.object({
  count: z.number().int().min(1).max(100_000),
  iocsPerObject: z.number().int().min(0).max(100).default(5),
});

const settingsBody = z.object({
  rateLimitPerMinute: z.number().int().min(1).nullable().optional(),
  rejectDuplicateExternalId: z.boolean().optional(),
  /** How far the tenant's clock is ahead (negative: behind) of real time, to play a skewed client clock. */
  clockSkewSeconds: z.number().int().min(-86_400).max(86_400).optional(),
  /** The next N incident creates happen but are answered 502, as when a gateway loses Respond's answer. */
  loseCreateAnswers: z.number().int().min(0).optional(),
  /** How such an answer is lost: a 502, or no answer at all (the connection is dropped after 10 s: a client timeout). */
  loseCreateAnswersAs: z.enum(['502', 'timeout']).optional(),
});

export function cftrControlRouter(store: CftrStore): Router {
  const router = express.Router();
  router.use(express.json({ limit: '10mb' }));

  /** Every incident with its threat intel (`?external_id=` narrows to the hub's key). */
  router.get('/incidents', (req, res) => {
    const externalId = typeof req.query.external_id === 'string' ? req.query.external_id : undefined;
    const incidents = [...store.incidents.values()].filter((i) => !externalId || i.external_id === externalId);
    res.json({ count: incidents.length, incidents: incidents.map((i) => incidentDetail(store, i)) });
  });

  router.get('/incidents/:id', (req, res) => {
    const incident = store.incidents.get(req.params.id);
    if (!incident) return void res.status(404).json({ error: 'no such incident' });
    res.json(incidentDetail(store, incident));
  });

  /** An incident created in Respond's UI: the API's validation, plus an optional `created` (ISO) for list windows. */
  router.post('/incidents', (req, res) => {
    const { created, ...body } = (req.body ?? {}) as { created?: unknown };
    const createdAt = typeof created === 'string' ? new Date(created) : undefined;
    if (createdAt && Number.isNaN(createdAt.getTime())) return void res.status(400).json({ error: 'created must be an ISO timestamp' });
    const outcome = readIncidentInput(body, false);
    if (!outcome.ok) return void res.status(400).json(outcome.errors);
    const incident = store.createIncident({ ...outcome.input.fields, title: outcome.input.fields.title! }, outcome.input.threatIntel, createdAt);
    res.status(201).json(incidentDetail(store, incident));
  });

  /** An analyst's change (e.g. closing the incident). */
  router.patch('/incidents/:id', (req, res) => {
    const incident = store.incidents.get(req.params.id);
    if (!incident) return void res.status(404).json({ error: 'no such incident' });
    const outcome = readIncidentInput(req.body, true);
    if (!outcome.ok) return void res.status(400).json(outcome.errors);
    store.updateIncident(incident, outcome.input.fields);
    res.json(incidentDetail(store, incident));
  });

  /** Bulk generator for benches: `{count, iocsPerObject}`. */
  router.post('/seed', (req, res) => {
    const parsed = bulkSeedBody.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: z.prettifyError(parsed.error) });
    const incidents = seedIncidents(store, parsed.data.count, parsed.data.iocsPerObject);
    res.status(201).json({ incidents: incidents.length, incidentIds: incidents.map((i) => i.unique_id) });
  });

  router.get('/settings', (_req, res) => void res.json(store.settings));
  router.put('/settings', (req, res) => {
    const parsed = settingsBody.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: z.prettifyError(parsed.error) });
    const { rateLimitPerMinute, rejectDuplicateExternalId, clockSkewSeconds, loseCreateAnswers, loseCreateAnswersAs } = parsed.data;
    if (loseCreateAnswers !== undefined) store.settings.loseCreateAnswers = loseCreateAnswers;
    if (loseCreateAnswersAs !== undefined) store.settings.loseCreateAnswersAs = loseCreateAnswersAs;
    if (clockSkewSeconds !== undefined) store.settings.clockSkewSeconds = clockSkewSeconds;
    if (rateLimitPerMinute !== undefined) store.settings.rateLimitPerMinute = rateLimitPerMinute ?? undefined;
    if (rejectDuplicateExternalId !== undefined) store.settings.rejectDuplicateExternalId = rejectDuplicateExternalId;
    res.json(store.settings);
  });

  return router;
}
