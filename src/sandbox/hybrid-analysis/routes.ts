import { createHash } from 'node:crypto';
import express, { type Response, type Router } from 'express';
import type { HaApiLimits, HaErrorBody, HaHashSearch, HaOverview } from '../../sources/hybrid-analysis/wire.js';
import type { QuotaCounter, QuotaDecision } from '../kit/index.js';
import { ENVIRONMENTS, isSampleHash, type HybridAnalysisSamples, type SimulatedSample } from './samples.js';

export interface HybridAnalysisApiDeps {
  apiKey: string;
  samples: HybridAnalysisSamples;
  quota: QuotaCounter;
}

const HASH_NOT_FOUND: HaErrorBody = { message: 'Requested hash not found' };

/**
 * Hybrid Analysis API v2 as the hub uses it: `api-key` auth, the `api-limits` header on every answer and 429 past
 * the key's minute/hour windows, GET /search/hash, GET /overview/{sha256}, GET /key/current; retired
 * POST /search/hash(es) answer 410 so a regression shows.
 */
export function hybridAnalysisApi({ apiKey, samples, quota }: HybridAnalysisApiDeps): Router {
  const api = express.Router();

  api.use((req, res, next) => {
    const presented = req.get('api-key');
    if (!presented) return void sendMessage(res, 401, { message: 'Unauthorized: the api-key header is missing.' });
    if (presented !== apiKey) return void sendMessage(res, 403, { message: 'Forbidden: failed to authorize with the given api-key.' });
    const decision = quota.take();
    res.set('api-limits', JSON.stringify(apiLimits(quota, decision)));
    if (!decision.allowed) {
      return void sendMessage(res, 429, { message: `Exceeded maximum API requests per ${decision.window}(${decision.limit})` });
    }
    next();
  });

  api.get('/key/current', (_req, res) => {
    res.set('submission-limits', JSON.stringify({
      total: { used: { hour: 0, month: 0 }, quota: { hour: 200, month: 5000 }, available: { hour: 200, month: 5000 }, quota_reached: false },
      quota_reached: false,
    }));
    res.json({ api_key: apiKey, auth_level: 100, auth_level_name: 'restricted' });
  });

  api.get('/search/hash', (req, res) => {
    const hash = typeof req.query.hash === 'string' ? req.query.hash.trim() : '';
    if (!isSampleHash(hash)) {
      return void sendMessage(res, 400, {
        message: 'Failed to validate the request',
        validation_errors: [{ field: 'hash', errors: [hash ? 'Hash must be an md5, sha1 or sha256 hex string.' : 'This value should not be blank.'] }],
      });
    }
    const sample = samples.get(hash);
    if (!sample) return void sendMessage(res, 404, HASH_NOT_FOUND);
    const body: HaHashSearch = { sha256s: [sample.sha256], reports: reportsOf(sample) };
    res.json(body);
  });

  for (const retired of ['/search/hash', '/search/hashes']) {
    api.post(retired, (_req, res) => sendMessage(res, 410, { message: 'This endpoint is no longer available. Use GET /search/hash instead.' }));
  }

  api.get('/overview/:sha256', (req, res) => {
    const { sha256 } = req.params;
    if (!/^[0-9a-f]{64}$/i.test(sha256)) {
      return void sendMessage(res, 400, { message: 'Failed to validate the request', validation_errors: [{ field: 'sha256', errors: ['Must be a sha256 hash.'] }] });
    }
    const sample = samples.get(sha256);
    if (!sample) return void sendMessage(res, 404, HASH_NOT_FOUND);
    res.json(overviewOf(sample));
  });

  api.use((_req, res) => sendMessage(res, 404, { message: 'Not Found' }));
  return api;
}

/** The `api-limits` header: each metered window's limit and use, and which one refused. */
function apiLimits(quota: QuotaCounter, decision: QuotaDecision): HaApiLimits {
  const { perMinute, perHour, perDay } = quota.limits;
  const usage = quota.usage();
  const limits: Record<string, number> = {};
  const used: Record<string, number> = {};
  if (perMinute !== undefined) { limits.minute = perMinute; used.minute = usage.minute; }
  if (perHour !== undefined) { limits.hour = perHour; used.hour = usage.hour; }
  if (perDay !== undefined) { limits.day = perDay; used.day = usage.day; }
  return decision.allowed
    ? { limits, used, limit_reached: false }
    : { limits, used, limit_reached: true, name_of_reached_limit: decision.window };
}

function reportsOf(sample: SimulatedSample): HaHashSearch['reports'] {
  return sample.environments.map((environmentId) => ({
    id: createHash('sha256').update(`${sample.sha256}:${environmentId}`).digest('hex').slice(0, 24),
    environment_id: environmentId,
    environment_description: ENVIRONMENTS[environmentId] ?? null,
    state: 'SUCCESS',
    error_type: null,
    verdict: sample.verdict,
  }));
}

function overviewOf(sample: SimulatedSample): HaOverview {
  return {
    sha256: sample.sha256,
    last_file_name: sample.last_file_name,
    other_file_name: [],
    threat_score: sample.threat_score,
    verdict: sample.verdict,
    vx_family: sample.vx_family,
    type: sample.type,
    type_short: sample.type_short,
    size: sample.size,
    tags: sample.tags,
    analysis_start_time: new Date(Date.now() - sample.analysedHoursAgo * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    multiscan_result: sample.av_detect,
    related_parent_hashes: [],
    related_children_hashes: [],
    whitelist: [],
    url_analysis: false,
  };
}

export function sendMessage(res: Response, status: number, body: HaErrorBody): void {
  res.status(status).json(body);
}
