import { isIP } from 'node:net';
import { sparsen } from '../kit/index.js';
import express, { type Response, type Router } from 'express';
import type { VtErrorBody } from '../../sources/virustotal/wire.js';
import type { QuotaCounter, SandboxContext } from '../kit/index.js';
import { engineResults } from './engines.js';
import { canonicalUrl, isDomain, isFileHash, type SimulatedObject, type VirusTotalObjects } from './objects.js';

const API = '/api/v3';

export interface VirusTotalApiDeps {
  apiKey: string;
  objects: VirusTotalObjects;
  quota: QuotaCounter;
  ctx: SandboxContext;
}

/** VirusTotal API v3 object look-ups: `x-apikey` auth, per-key minute/day quota (429 QuotaExceededError, no headers). */
export function virusTotalApi({ apiKey, objects, quota, ctx }: VirusTotalApiDeps): Router {
  const api = express.Router();
  const selfLink = (collection: string, id: string) => `${ctx.origin()}${API}/${collection}/${id}`;

  api.use((req, res, next) => {
    const presented = req.get('x-apikey');
    if (!presented) return void sendError(res, 401, 'AuthenticationRequiredError', 'X-Apikey header is missing');
    if (presented !== apiKey) return void sendError(res, 401, 'WrongCredentialsError', 'Wrong API key');
    // One 429 code for the minute and the day budget alike: clients cannot tell which ran out.
    if (!quota.take().allowed) return void sendError(res, 429, 'QuotaExceededError', 'Quota exceeded');
    next();
  });

  api.get('/ip_addresses/:ip', (req, res) => {
    const { ip } = req.params;
    if (!isIP(ip)) return void sendError(res, 400, 'InvalidArgumentError', `"${ip}" is not a valid IP address`);
    answer(res, objects.ipAddress(ip), 'ip_addresses', `IP address "${ip}" not found`);
  });

  api.get('/domains/:domain', (req, res) => {
    const { domain } = req.params;
    if (!isDomain(domain)) return void sendError(res, 400, 'InvalidArgumentError', `Domain "${domain}" is not a valid domain pattern`);
    answer(res, objects.domain(domain), 'domains', `Domain "${domain}" not found`);
  });

  api.get('/urls/:id', (req, res) => {
    const { id } = req.params;
    const object = /^[0-9a-f]{64}$/i.test(id) ? objects.urlById(id) : urlFromBase64Id(id, objects);
    // An id that decodes to nothing sensible is simply not found, as on VT.
    answer(res, object, 'urls', `URL "${id}" not found`);
  });

  api.get('/files/:hash', (req, res) => {
    const { hash } = req.params;
    if (!isFileHash(hash)) return void sendError(res, 400, 'InvalidArgumentError', `"${hash}" is not a valid file hash`);
    answer(res, objects.file(hash), 'files', `File "${hash}" not found`);
  });

  api.use((req, res) => sendError(res, 404, 'NotFoundError', `Resource "${req.path}" not found`));

  function answer(res: Response, object: SimulatedObject | null, collection: string, notFound: string): void {
    if (!object) return sendError(res, 404, 'NotFoundError', notFound);
    res.json({ data: { id: object.id, type: object.kind, links: { self: selfLink(collection, object.id) }, attributes: object.sparse ? sparsen(attributesOf(object), object.sparse) : attributesOf(object) } });
  }

  return api;
}

function urlFromBase64Id(id: string, objects: VirusTotalObjects): SimulatedObject | null {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return null;
  // Clients strip the `=` padding; Node's base64url decoder does without it.
  const canonical = canonicalUrl(Buffer.from(id, 'base64url').toString('utf8'));
  return canonical === null ? null : objects.url(canonical);
}

/** The wire `attributes`: type-specific ones plus the analysis fields, results consistent with the stats. */
function attributesOf(object: SimulatedObject): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const analysedAt = now - object.analysedHoursAgo * 3600;
  const malicious = object.stats.malicious ?? 0;
  return {
    ...object.attributes,
    last_analysis_date: analysedAt,
    last_modification_date: analysedAt,
    last_analysis_stats: object.stats,
    last_analysis_results: engineResults(object.id, object.kind === 'file' ? 'file' : 'other', object.stats, object.threatLabel),
    reputation: object.reputation,
    total_votes: { harmless: object.reputation > 0 ? object.reputation : 0, malicious: malicious > 0 ? Math.ceil(malicious / 3) : 0 },
    tags: object.tags,
  };
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  const body: VtErrorBody = { error: { code, message } };
  res.status(status).json(body);
}
