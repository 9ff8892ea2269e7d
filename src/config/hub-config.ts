import { z } from 'zod';
import type { Vendor } from '../domain/vendor.js';
import { registeredVendors } from '../sources/index.js';

/**
 * The hub's one config file (HUB_CONFIG, YAML or JSON). Secrets are never in it: each credential names
 * the environment variable that holds it.
 */
const rateLimit = z.object({
  perMinute: z.number().int().positive().optional(),
  perDay: z.number().int().positive().optional(),
}).strict();

export const sourceConfigSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes').optional(),
  /** One of the registered vendors (src/sources/index.ts). */
  vendor: z.enum(registeredVendors() as [Vendor, ...Vendor[]]),
  baseUrl: z.url(),
  enabled: z.boolean().default(true),
  /** credential name -> environment variable holding it, e.g. { password: CTP_PASSWORD }. */
  credentials: z.record(z.string(), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')).default({}),
  tlsVerify: z.boolean().default(true),
  caFile: z.string().optional(),
  pollIntervalSeconds: z.number().int().min(0).optional(),
  timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
  rateLimit: rateLimit.optional(),
  settings: z.record(z.string(), z.unknown()).default({}),
}).strict();

export const hubConfigSchema = z.object({
  server: z.object({
    port: z.number().int().min(0).max(65535).default(4000),
    /** The address to listen on: loopback unless set (`0.0.0.0` for every interface). The PORT and HOST environment variables win. */
    host: z.string().min(1).default('127.0.0.1'),
    /**
     * The environment variable holding the token `/metrics` requires (`Authorization: Bearer …`); unset, `/metrics`
     * is open to whoever can reach the port.
     */
    metricsToken: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    /** Largest accepted request body. */
    bodyLimitBytes: z.number().int().positive().default(1_000_000),
    maxDepth: z.number().int().positive().default(12),
    maxAliases: z.number().int().positive().default(20),
    maxCost: z.number().int().positive().default(20_000),
    /** Request limits checked before validation (see src/server/document-limits.ts). */
    maxTokens: z.number().int().positive().default(5_000),
    /** Fields in an operation with every fragment spread expanded (bounds the overlapping-fields rule). */
    maxFields: z.number().int().positive().default(1_000),
    maxDirectives: z.number().int().min(0).default(30),
    /**
     * Comparisons of same-named fields in one selection set, weighted by what is below them: the work of the
     * overlapping-fields validation rule, quadratic in repeats (see src/server/document-limits.ts).
     */
    maxFieldMerges: z.number().int().min(0).default(2_000),
    maxFragments: z.number().int().min(0).default(50),
    /** Brackets ({ [ () nested in a document's text. */
    maxNesting: z.number().int().positive().default(64),
    /** Receiving a request (headers and body) must finish within this, or it is answered 408. */
    requestTimeoutMs: z.number().int().min(1_000).default(10_000),
    /** graphql-ws: open sockets in all, per token, and how long a socket may wait before its connection_init. */
    maxSockets: z.number().int().positive().default(500),
    maxSocketsPerToken: z.number().int().positive().default(20),
    connectionInitTimeoutMs: z.number().int().min(100).default(3_000),
    /**
     * graphql-ws: the largest message a client may send (a subscribe carries a document and its variables; large
     * inputs go over HTTP, up to bodyLimitBytes). A frame announcing more is refused from its header: closed 1009.
     */
    wsMaxMessageBytes: z.number().int().min(1_024).default(65_536),
    /** How often open graphql-ws sockets have their token checked again (revoked or expired: closed). */
    tokenRecheckMs: z.number().int().min(100).default(1_000),
    /**
     * Live fan-out: a subscriber socket with more than this many bytes not yet taken by its client is closed 4508
     * ("too slow: resume with after=<cursor>") rather than let it hold the loop or grow memory.
     */
    subscriberBufferBytes: z.number().int().min(1_024).default(262_144),
    /** Live fan-out: events arriving within this window leave in one write per socket (fewer writes, that much latency). */
    fanoutBatchMs: z.number().int().min(0).max(1_000).default(20),
    /**
     * Fair admission (src/server/fair-admission.ts): GraphQL requests running at once; beyond that they wait, the
     * token holding fewest slots and using the hub least of late served first. A token may keep maxQueuedPerToken
     * waiting (more: 429 with Retry-After), each at most admissionWaitMs (longer: 503 with Retry-After).
     */
    maxConcurrentRequests: z.number().int().positive().default(4),
    maxQueuedPerToken: z.number().int().positive().default(256),
    admissionWaitMs: z.number().int().min(100).default(10_000),
    /** Development mode: errors carry stack traces. Never on in production. */
    development: z.boolean().default(false),
  }).strict().prefault({}),
  database: z.object({
    /** The embedded PostgreSQL's data folder (its PGDATA), used when DATABASE_URL is unset. */
    dataDir: z.string().default('./data/postgres'),
    poolSize: z.number().int().min(1).max(100).default(10),
  }).strict().default({ dataDir: './data/postgres', poolSize: 10 }),
  /**
   * Which vendors run against local sandboxes: `all` (no real vendor), `missing` (every vendor no source
   * configures), or `none`. Default: `all` without a config file, `missing` with one.
   */
  sandboxes: z.enum(['all', 'missing', 'none']).optional(),
  sources: z.array(sourceConfigSchema).default([]),
  /** Template overrides: template name -> file path (e.g. escalate, update, close). */
  templates: z.record(z.string(), z.string()).default({}),
  jobs: z.record(z.string(), z.object({ intervalSeconds: z.number().int().min(0) }).strict()).default({}),
}).strict();

export type HubConfig = z.infer<typeof hubConfigSchema>;
export type SourceConfigInput = z.infer<typeof sourceConfigSchema>;
