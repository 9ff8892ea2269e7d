import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { getOperationAST } from 'graphql';
import type { ApiTokens } from '../auth/api-tokens.js';
import type { Principal } from '../auth/authorize-operation.js';
import { logger } from '../observability/logger.js';
import { principalFrom } from './authenticate.js';
import { parseWithinLimits, type DocumentLimits } from './document-limits.js';
import type { Admission, FairAdmission } from './fair-admission.js';

/**
 * What stands in front of Apollo on /graphql, in order: the request deadline, the token (before a byte of the
 * body is read or parsed), the content type, the body parser, fair admission, then the document limits. Each
 * refusal is a GraphQL-shaped error with its own code.
 */
export function sendError(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  const req = res.req;
  if (req && !req.complete) {
    // Answered before the body was read (401, 413, 415…): the rest is discarded as it arrives, so a client still
    // sending reads this answer instead of a connection reset; the connection then closes. The request deadline
    // bounds how long that may take.
    res.set('connection', 'close');
    req.resume();
  }
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** Receiving the request must finish within `ms`: a body that trickles in (or never comes) is answered 408 and the connection closed. */
export function requestDeadline(ms: number): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      // Received in full (a GET, or a body read to its end): a slow answer is not the client's fault.
      if (req.complete) return;
      if (!res.headersSent) {
        res.set('connection', 'close');
        sendError(res, 408, 'REQUEST_TIMEOUT', `the request was not received within ${ms} ms`);
      }
      res.once('finish', () => req.socket.destroy());
    }, ms);
    const clear = () => clearTimeout(timer);
    req.once('end', clear);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}

/**
 * 401 unless the Authorization header carries a valid token; the principal goes to `res.locals.principal`.
 * A browser's GET without a query (an explorer page some day) passes, so a later handler may serve it.
 */
export function requireToken(tokens: ApiTokens): RequestHandler {
  return async (req, res, next) => {
    if (req.method === 'GET' && typeof req.query.query !== 'string' && req.accepts(['application/json', 'text/html']) === 'text/html') return next();
    try {
      const principal = await principalFrom(req.headers.authorization, tokens);
      if (!principal) return sendError(res, 401, 'UNAUTHENTICATED', 'a valid API token is required (Authorization: Bearer <token>)');
      res.locals.principal = principal;
      next();
    } catch (error) {
      logger.error({ err: error }, 'token verification failed');
      sendError(res, 503, 'SERVICE_UNAVAILABLE', 'tokens cannot be verified right now');
    }
  };
}

/**
 * A slot from fair admission for the token's request, from once its body is read until its operation is resolved
 * (parsed, within limits, validated, authorized): when the hub is busy a token flooding it waits behind the others.
 * Refused: 429 (its queue is full) or 503 (waited too long), each with Retry-After.
 */
export function admitFairly(admission: FairAdmission): RequestHandler {
  return (req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    if (!principal) return next();
    const proceed = (outcome: Admission) => {
      if (!outcome.admitted) {
        res.set('retry-after', String(outcome.retryAfterSeconds));
        return outcome.reason === 'queue-full'
          ? sendError(res, 429, 'TOO_MANY_REQUESTS', 'too many requests from this token are waiting: retry later')
          : sendError(res, 503, 'SERVICE_UNAVAILABLE', 'the hub is busy: retry later');
      }
      if (res.writableEnded || req.socket.destroyed) return outcome.release();
      // Released when the operation is resolved (http-server.ts), or at the latest when the answer is sent.
      res.locals.releaseAdmission = outcome.release;
      res.once('finish', outcome.release);
      res.once('close', outcome.release);
      next();
    };
    const outcome = admission.acquire(principal.tokenId);
    if (outcome instanceof Promise) void outcome.then(proceed);
    else proceed(outcome);
  };
}

/** POST bodies are JSON only. */
export const requireJson: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || req.is('application/json')) return next();
  sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'POST /graphql takes Content-Type: application/json');
};

/** One operation per request, within the document limits; no persisted queries; subscriptions only over graphql-ws. */
export function screenGraphqlRequest(limits: DocumentLimits): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' && req.method !== 'GET') return next();
    const body: unknown = req.method === 'POST' ? req.body : req.query;
    if (req.method === 'GET' && typeof req.query.query !== 'string') return next();
    if (Array.isArray(body)) return sendError(res, 400, 'BATCH_NOT_SUPPORTED', 'send one operation per request (batches are not accepted)');
    if (!body || typeof body !== 'object') return sendError(res, 400, 'BAD_REQUEST', 'the body must be a JSON object with a `query`');
    const request = body as { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: { persistedQuery?: unknown } };
    if (request.extensions && typeof request.extensions === 'object' && request.extensions.persistedQuery !== undefined) {
      return sendError(res, 400, 'PERSISTED_QUERY_NOT_SUPPORTED', 'persisted queries are not supported: send the `query`');
    }
    const variables = typeof request.variables === 'string' ? parseJson(request.variables) : request.variables;
    const document = parseWithinLimits(request.query, variables, limits);
    if (!(document instanceof Error)) {
      const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
      if (getOperationAST(document, operationName)?.operation === 'subscription') {
        return sendError(res, 400, 'SUBSCRIPTION_OVER_HTTP', 'subscriptions are served over graphql-ws on this path, not over HTTP');
      }
      return next();
    }
    sendError(res, 400, String(document.extensions.code), document.message);
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * The body parser's `verify`, on the body's bytes before JSON.parse: a body that is a JSON array (a batch, or a
 * pile of nested brackets) is refused as a batch without being parsed (a 300-operation batch took ~3 ms to parse).
 */
export function refuseBatches(_req: unknown, _res: unknown, body: Buffer): void {
  let at = 0;
  while (at < body.length && JSON_WHITESPACE.has(body[at]!)) at += 1;
  if (body[at] === 0x5b) throw Object.assign(new Error('send one operation per request (batches are not accepted)'), { status: 400, type: 'batch.unsupported' });
}

const bodyErrorCodes: Record<string, [number, string]> = {
  'batch.unsupported': [400, 'BATCH_NOT_SUPPORTED'],
  'entity.too.large': [413, 'PAYLOAD_TOO_LARGE'],
  'entity.parse.failed': [400, 'INVALID_JSON'],
  'entity.verify.failed': [400, 'INVALID_JSON'],
  'encoding.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE'],
  'charset.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE'],
  'request.aborted': [400, 'REQUEST_ABORTED'],
  'request.size.invalid': [400, 'BAD_REQUEST'],
  'stream.encoding.set': [500, 'INTERNAL_SERVER_ERROR'],
};

const bodyErrorMessages: Record<string, string> = {
  INVALID_JSON: 'the body is not valid JSON',
  PAYLOAD_TOO_LARGE: 'the body is larger than the limit',
  BATCH_NOT_SUPPORTED: 'send one operation per request (batches are not accepted)',
};

/** Express's last handler: body-parser errors keep their status with a code of their own; the rest is a 500 without detail. */
export function httpErrorHandler(err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction): void {
  const known = err.type ? bodyErrorCodes[err.type] : undefined;
  const status = known?.[0] ?? (err.status && err.status >= 400 && err.status < 500 ? err.status : 500);
  const code = known?.[1] ?? (status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
  if (status >= 500) logger.error({ err }, 'HTTP error');
  if (res.headersSent) return;
  const message = status >= 500 ? 'Internal server error' : bodyErrorMessages[code] ?? err.message;
  sendError(res, status, code, message);
}
