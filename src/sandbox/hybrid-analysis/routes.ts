import { createHash } from 'node:crypto';
import { sparsen } from '../kit/index.js';
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
  /** Job ids handed out by /search/hash → the run they name (ids are derived from sha256 and environment). */
  const jobs = new Map<string, { sha256: string; environmentId: number }>();

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
    res.json(sample.sparse ? sparsen(body, sample.sparse, ['sha256s']) : body);
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
    const overview = overviewOf(sample) as unknown as Record<string, unknown>;
    res.json(sample.sparse ? sparsen(overview, sample.sparse, ['sha256']) : overview);
  });

  // One sandbox run, by job id (24 hex, as /search/hash lists it) or as `<sha256>:<environment_id>`.
  api.get('/report/:id/summary', (req, res) => {
    const { id } = req.params;
    const byEnvironment = /^([0-9a-f]{64}):(\d+)$/i.exec(id);
    if (!byEnvironment && !/^[0-9a-f]{24}$/i.test(id)) {
      return void sendMessage(res, 400, {
        message: 'Failed to validate the request',
        validation_errors: [{ field: 'id', errors: ['Must be a job id or "<sha256>:<environment_id>".'] }],
      });
    }
    const run = byEnvironment ? { sha256: byEnvironment[1]!.toLowerCase(), environmentId: Number(byEnvironment[2]) } : jobs.get(id.toLowerCase());
    const sample = run ? samples.get(run.sha256) : null;
    if (!run || !sample || !sample.environments.includes(run.environmentId)) return void sendMessage(res, 404, REPORT_NOT_FOUND);
    res.json(summaryOf(sample, run.environmentId));
  });

  api.use((_req, res) => sendMessage(res, 404, { message: 'Not Found' }));
  return api;

  function reportsOf(sample: SimulatedSample): HaHashSearch['reports'] {
    return sample.environments.map((environmentId) => {
      const id = jobId(sample.sha256, environmentId);
      jobs.set(id, { sha256: sample.sha256, environmentId });
      return {
        id,
        environment_id: environmentId,
        environment_description: ENVIRONMENTS[environmentId] ?? null,
        state: 'SUCCESS',
        error_type: null,
        verdict: sample.verdict,
      };
    });
  }
}

const REPORT_NOT_FOUND: HaErrorBody = { message: 'Requested report not found' };

function jobId(sha256: string, environmentId: number): string {
  return createHash('sha256').update(`${sha256}:${environmentId}`).digest('hex').slice(0, 24);
}

/** `threat_level` 0 no threat / 1 suspicious / 2 malicious. */
function threatLevel(verdict: string | null): number {
  return verdict === 'malicious' ? 2 : verdict === 'suspicious' ? 1 : 0;
}

/** `GET /report/{id}/summary`: one run of the sample in one environment (vendor notes §2.5). */
function summaryOf(sample: SimulatedSample, environmentId: number) {
  const analysedAt = analysisTime(sample);
  const bad = sample.verdict === 'malicious' || sample.verdict === 'suspicious';
  return {
    job_id: jobId(sample.sha256, environmentId),
    environment_id: environmentId,
    environment_description: ENVIRONMENTS[environmentId] ?? null,
    state: 'SUCCESS',
    error_type: null,
    error_origin: null,
    submit_name: sample.last_file_name,
    md5: sample.md5,
    sha1: sample.sha1,
    sha256: sample.sha256,
    sha512: createHash('sha512').update(`ha:${sample.sha256}`).digest('hex'),
    ssdeep: null,
    imphash: null,
    size: sample.size,
    type: sample.type,
    type_short: sample.type_short,
    target_url: null,
    analysis_start_time: analysedAt,
    av_detect: sample.av_detect,
    vx_family: sample.vx_family,
    verdict: sample.verdict,
    threat_score: sample.threat_score,
    threat_level: threatLevel(sample.verdict),
    interesting: false,
    url_analysis: false,
    total_signatures: bad ? 42 : 7,
    total_processes: bad ? 5 : 1,
    total_network_connections: bad ? 3 : 0,
    classification_tags: bad && sample.vx_family ? ['trojan'] : [],
    tags: sample.tags,
    domains: [],
    hosts: [],
    compromised_hosts: [],
    extracted_files: [],
    processes: [],
    mitre_attcks: [],
    submissions: [{ submission_id: jobId(sample.sha256, 0), filename: sample.last_file_name, url: null, created_at: analysedAt }],
  };
}

function analysisTime(sample: SimulatedSample): string {
  return new Date(Date.now() - sample.analysedHoursAgo * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
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
    analysis_start_time: analysisTime(sample),
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
