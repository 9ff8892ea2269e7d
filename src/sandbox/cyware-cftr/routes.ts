import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { verifyOpenApiRequest } from '../../sources/cyware-signing/open-api-signature.js';
import { readIncidentInput, readThreatIntel } from './incident-input.js';
import { incidentDetail, incidentListRow } from './shapes.js';
import type { CftrStore } from './store.js';

/** A public Respond client signs with `now + 60 s` successfully, so the sandbox accepts up to 60 s ahead. */
const MAX_VALIDITY_SECONDS = 60;
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 1000;
const AUTH_PARAMS = new Set(['AccessID', 'Expires', 'Signature']);

/** The Respond Open API under `/cftrapi/openapi`: every route signed, trailing slashes only, DRF-style errors. */
export function cftrApiRouter(store: CftrStore, secrets: Map<string, string>): Router {
  const router = express.Router({ strict: true });

  router.use((req: Request, res: Response, next: NextFunction) => {
    const verdict = verifyOpenApiRequest(req.query, {
      secretFor: (accessId) => secrets.get(accessId),
      nowSeconds: Math.floor(Date.now() / 1000) + store.settings.clockSkewSeconds,
      maxValiditySeconds: MAX_VALIDITY_SECONDS,
    });
    if (!verdict.ok) return void res.status(verdict.status).json(verdict.body);
    const decision = store.takeQuota(verdict.accessId);
    if (!decision.allowed) return void res.status(429).json(throttled(decision.resetSeconds));
    next();
  });
  router.use(express.json({ limit: '10mb' }));

  router.get('/test-connectivity/', (_req, res) => void res.json({ message: 'Connection successful' }));

  router.get('/v1/incident/', (req, res) => {
    const errors: Record<string, string[]> = {};
    const bound = (key: string): number | undefined => {
      const value = req.query[key];
      if (value === undefined) return undefined;
      if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
      errors[key] = ['Enter a number.'];
      return undefined;
    };
    const from = bound('created_date__gte');
    const to = bound('created_date__lte');
    if (Object.keys(errors).length > 0) return void res.status(400).json(errors);
    const incidents = [...store.incidents.values()]
      .filter((i) => (from === undefined || Date.parse(i.created) >= from) && (to === undefined || Date.parse(i.created) <= to))
      .sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
    const page = positiveInt(req.query.page) ?? 1;
    const pageSize = Math.min(positiveInt(req.query.page_size) ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(incidents.length / pageSize));
    if (page > pages) return void res.status(404).json({ detail: 'Invalid page.' });
    res.json({
      count: incidents.length,
      next: page < pages ? pageLink(req, page + 1, pageSize) : null,
      previous: page > 1 ? pageLink(req, page - 1, pageSize) : null,
      results: incidents.slice((page - 1) * pageSize, page * pageSize).map(incidentListRow),
    });
  });

  router.post('/v1/incident/', (req, res) => {
    const outcome = readIncidentInput(req.body, false);
    if (!outcome.ok) return void res.status(400).json(outcome.errors);
    const externalId = outcome.input.fields.external_id;
    if (externalId && store.settings.rejectDuplicateExternalId && store.byExternalId(externalId)) {
      return void res.status(409).json({ external_id: ['Incident with this external_id already exists.'] });
    }
    const created = store.createIncident({ ...outcome.input.fields, title: outcome.input.fields.title! }, outcome.input.threatIntel);
    if (store.settings.loseCreateAnswers > 0) {
      store.settings.loseCreateAnswers -= 1;
      if (store.settings.loseCreateAnswersAs === 'timeout') return void setTimeout(() => res.destroy(), 10_000).unref();
      return void res.status(502).json({ detail: 'Bad gateway' });
    }
    res.status(201).json(incidentDetail(store, created));
  });

  router.get('/v1/incident/:id/', (req, res) => {
    const incident = store.incidents.get(req.params.id as string);
    if (!incident) return notFound(res);
    res.json(incidentDetail(store, incident));
  });

  router.patch('/v1/incident/:id/', (req, res) => {
    const incident = store.incidents.get(req.params.id as string);
    if (!incident) return notFound(res);
    const outcome = readIncidentInput(req.body, true);
    if (!outcome.ok) return void res.status(400).json(outcome.errors);
    store.updateIncident(incident, outcome.input.fields);
    store.link(incident.unique_id, outcome.input.threatIntel.map(({ value, type }) => store.addThreatIntel(value, type).unique_id));
    res.json(incidentDetail(store, incident));
  });

  // Two-step IOC linking ("Bulk Create Threat Intel" + "Connect Modules"); the paths are the notes' inference.
  router.post('/v1/threat-intel/', (req, res) => {
    const outcome = readThreatIntel((req.body as { threat_intel?: unknown } | undefined)?.threat_intel);
    if (!outcome.ok) return void res.status(400).json({ threat_intel: outcome.errors });
    const results = outcome.records.map(({ value, type }) => store.addThreatIntel(value, type));
    res.status(201).json({ results: results.map(({ unique_id, value, type }) => ({ unique_id, value, type })) });
  });

  router.post('/v1/incident/:id/connect/', (req, res) => {
    const incident = store.incidents.get(req.params.id as string);
    if (!incident) return notFound(res);
    const { module, ids } = (req.body ?? {}) as { module?: unknown; ids?: unknown };
    if (module !== 'threat_intel') return void res.status(400).json({ module: [`"${String(module)}" is not a valid choice.`] });
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !store.threatIntel.has(id))) {
      return void res.status(400).json({ ids: ['Unknown threat intel id.'] });
    }
    const connected = store.link(incident.unique_id, ids as string[]);
    res.json({ message: 'Modules connected successfully', connected });
  });

  router.use((_req, res) => notFound(res));
  router.use((error: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return void res.status(400).json({ detail: 'JSON parse error.' });
    next(error);
  });
  return router;
}

export function throttled(retryInSeconds: number): { detail: string } {
  return { detail: `Request was throttled. Expected available in ${retryInSeconds} seconds.` };
}

function notFound(res: Response): void {
  res.status(404).json({ detail: 'Not found.' });
}

/** A link relative to the API root, like Intel Exchange's, keeping the filters and never the auth parameters. */
function pageLink(req: Request, page: number, pageSize: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(req.query)) {
    if (!AUTH_PARAMS.has(key) && key !== 'page' && key !== 'page_size' && typeof value === 'string') params.set(key, value);
  }
  params.set('page', String(page));
  params.set('page_size', String(pageSize));
  return `v1/incident/?${params}`;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}
