import type { DataSource } from 'typeorm';
import type { IndicatorRef, Tlp } from '../domain/enrichment.js';
import type { IndicatorType } from '../domain/model.js';
import type { EventLog, SyncEventInput } from '../events/event-log.js';
import { SyncEventKind } from '../events/sync-event-kind.js';
import { normalizeIndicator } from '../indicators/normalize.js';
import { childLogger } from '../observability/logger.js';
import { toGlobalId } from '../domain/global-id.js';
import type { SourceRegistry } from '../services/source-registry.js';
import { VendorError } from '../sources/http/vendor-error.js';
import type { EnrichRequest, EnrichmentService, IndicatorOutcome, ProviderOutcome } from './enrichment-outcome.js';
import { enrichmentProviders, providersFor, tlpAllows, type EnrichmentProvider } from './enrichment-providers.js';
import { EnrichmentStore, refKey, type StoredAnswer } from './enrichment-store.js';
import { abortableSleep, QuotaUnavailableError } from './quota-errors.js';
import { QuotaScheduler } from './quota-scheduler.js';
import { quotaWindows, type QuotaWindows } from './quota-windows.js';
import { Semaphore } from './semaphore.js';
import { SingleFlight } from './single-flight.js';

/** How often a look-up waiting on another replica's call for the same indicator checks for its answer. */
const IN_FLIGHT_POLL_MS = 50;

export interface EnrichmentEngineDeps {
  dataSource: DataSource;
  sources: SourceRegistry;
  events: EventLog;
}

export interface EnrichmentEngineOptions {
  /** Shortens every quota window by this factor (tests and benches against a sandbox with a matching quota clock). Default 1. */
  timeScale?: number;
  /** Calls in flight per provider source at most. Default 16. */
  maxConcurrentCallsPerSource?: number;
  /** A 429 asking for a longer wait than this fails the look-up instead (default: a quarter of the hour window). */
  maxBlockWaitMs?: number;
  /** Rate-limited answers tolerated for one look-up before it is FAILED. Default 8. */
  maxRateLimitedAttempts?: number;
}

/**
 * The enrichment engine (one for the Ivanti playbook and the `enrichIndicators` mutation). For each indicator
 * and each provider whose enricher handles its type:
 *  1. TLP gate: data above the provider's `maxTlp` is not sent (SKIPPED_TLP);
 *  2. cache: a fresh `enrichment` row (provider TTL; not-found answers a shorter TTL) answers without a call
 *     (CACHED) unless `force`;
 *  3. single flight: concurrent look-ups of one (source, indicator) in this process share one call; across
 *     replicas, a look-up finding the same indicator in flight elsewhere waits for that answer;
 *  4. quota: a slot is reserved in the shared per-provider scheduler (waiting for it, never dropping); the cache
 *     is read again under the quota lock, so a replica that answered meanwhile saves the call and the budget;
 *  5. the call: an answer is stored (FETCHED); a 429 blocks the provider for every replica (Retry-After, or one
 *     minute window when the provider gives none) and the look-up waits and tries again; any other failure, a
 *     spent day budget or too long a block is FAILED — no verdict is stored, so the next request retries it.
 * Then each indicator's verdict/score is aggregated over every answer on record (see verdict-aggregation.ts) and
 * one ENRICHED event per indicator that was looked up (FETCHED or FAILED) is published, all in one write.
 * Indicators are normalised and de-duplicated; the outcome lists each distinct indicator once, in input order.
 * When `signal` aborts while waiting for quota, `enrich` rejects with its reason (answers already obtained are stored).
 */
export class EnrichmentEngine implements EnrichmentService {
  readonly windows: QuotaWindows;
  readonly quota: QuotaScheduler;
  private readonly store: EnrichmentStore;
  private readonly flights = new SingleFlight<ProviderOutcome>();
  private readonly callLimits = new Map<string, Semaphore>();
  private readonly log = childLogger({ component: 'enrichment' });
  private readonly maxConcurrent: number;
  private readonly maxRateLimited: number;

  constructor(private readonly deps: EnrichmentEngineDeps, options: EnrichmentEngineOptions = {}) {
    this.windows = quotaWindows(options.timeScale ?? 1);
    this.quota = new QuotaScheduler(deps.dataSource, { windows: this.windows, maxBlockWaitMs: options.maxBlockWaitMs });
    this.store = new EnrichmentStore(deps.dataSource);
    this.maxConcurrent = options.maxConcurrentCallsPerSource ?? 16;
    this.maxRateLimited = options.maxRateLimitedAttempts ?? 8;
  }

  async enrich(request: EnrichRequest): Promise<IndicatorOutcome[]> {
    const refs = distinct(request.indicators);
    if (refs.length === 0) return [];
    const tlp: Tlp = request.tlp ?? 'CLEAR';
    const force = request.force ?? false;
    const providers = enrichmentProviders(this.deps.sources);
    const ids = await this.store.upsertIndicators(refs);
    const started = new Date();
    // The cache, read once for the whole request.
    const fresh = new Map<string, StoredAnswer>();
    if (!force) {
      for (const row of await this.store.answers([...ids.values()])) if (row.fresh) fresh.set(`${row.indicatorId}|${row.provider}`, row);
    }

    const perIndicator = await Promise.all(refs.map(async (ref) => {
      const indicatorId = ids.get(refKey(ref.type, ref.value))!;
      const providerOutcomes = await Promise.all(providersFor(ref.type, providers).map((provider) => {
        if (!tlpAllows(tlp, provider.settings.maxTlp)) return skippedTlp(provider, tlp);
        const cached = fresh.get(`${indicatorId}|${provider.vendor}`);
        if (cached) return answered(provider, 'CACHED', cached);
        const key = `${provider.source}\u0000${indicatorId}\u0000${force ? 'force' : 'cache'}`;
        return this.flights.run(key, () => this.lookUp(provider, ref, indicatorId, force, started, request.signal));
      }));
      return { ref, indicatorId, providerOutcomes };
    }));

    const aggregates = await this.store.aggregate(perIndicator.map((i) => i.indicatorId));
    const outcomes: IndicatorOutcome[] = perIndicator.map(({ ref, indicatorId, providerOutcomes }) => ({
      indicatorId, type: ref.type, value: ref.value,
      verdict: aggregates.get(indicatorId)?.verdict ?? 'UNKNOWN',
      score: aggregates.get(indicatorId)?.score ?? null,
      providers: providerOutcomes,
    }));
    await this.publish(outcomes);
    return outcomes;
  }

  /** One provider's answer for one indicator (not fresh in the cache, or forced): a call paced by the provider's quota. */
  private async lookUp(provider: EnrichmentProvider, ref: IndicatorRef, indicatorId: string, force: boolean, requestStarted: Date, signal?: AbortSignal): Promise<ProviderOutcome> {
    const limit = this.callLimitOf(provider.source);
    return limit.use(async () => {
      const units = provider.enricher.callCost(ref.type);
      for (let attempt = 1; ; attempt += 1) {
        let reservation;
        try {
          reservation = await this.quota.acquire(provider.source, provider.settings.quota, units, indicatorId, signal,
            { indicatorId, provider: provider.vendor, since: force ? requestStarted : null });
        } catch (error) {
          if (error instanceof QuotaUnavailableError) return failed(provider, error.message);
          throw error;
        }
        if ('answered' in reservation) {
          // Another replica (or an earlier request here) answered while we waited: no call, no budget spent.
          const theirs = await this.store.freshAnswer(indicatorId, provider.vendor);
          if (theirs) return answered(provider, 'CACHED', theirs);
          attempt -= 1;
          continue;
        }
        if ('inFlightElsewhere' in reservation) {
          // Another replica is calling the provider for this indicator right now: wait for its answer.
          await abortableSleep(IN_FLIGHT_POLL_MS, signal);
          const theirs = await this.store.freshAnswer(indicatorId, provider.vendor, force ? requestStarted : undefined);
          if (theirs) return answered(provider, 'CACHED', theirs);
          attempt -= 1;
          continue;
        }
        const { slot } = reservation;
        let result;
        try {
          result = await provider.enricher.enrich(ref);
        } catch (error) {
          await this.quota.release(slot);
          if (error instanceof VendorError && error.status === 429) {
            const waitMs = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : this.windows.minuteMs;
            const reason = error.retryAfterSeconds !== undefined ? `429, Retry-After ${error.retryAfterSeconds}s` : '429 without Retry-After';
            await this.quota.block(provider.source, waitMs, reason);
            this.log.warn({ source: provider.source, attempt, waitMs }, 'provider answered 429; waiting before trying again');
            if (attempt >= this.maxRateLimited) return failed(provider, `${provider.source} kept answering 429 (${attempt} attempts): ${error.message}`);
            continue;
          }
          const message = error instanceof Error ? error.message : String(error);
          this.log.warn({ source: provider.source, type: ref.type, err: message }, 'enrichment look-up failed');
          return failed(provider, message);
        }
        const ttl = result.notFound ? provider.notFoundTtlSeconds : provider.settings.cacheTtlSeconds;
        // One statement: the slot starts its cool-down and the answer is stored.
        try {
          const stored = await this.store.saveAnswer(indicatorId, provider.vendor, provider.source, result, ttl, slot.slotId);
          return answered(provider, 'FETCHED', stored);
        } catch (error) {
          await this.quota.release(slot).catch(() => undefined);
          throw error;
        }
      }
    });
  }

  private callLimitOf(source: string): Semaphore {
    let limit = this.callLimits.get(source);
    if (!limit) {
      limit = new Semaphore(this.maxConcurrent);
      this.callLimits.set(source, limit);
    }
    return limit;
  }

  private async publish(outcomes: IndicatorOutcome[]): Promise<void> {
    const events: SyncEventInput[] = outcomes
      .filter((o) => o.providers.some((p) => p.status === 'FETCHED' || p.status === 'FAILED'))
      .map((o) => ({
        kind: SyncEventKind.ENRICHED,
        subjectId: toGlobalId('Indicator', o.indicatorId),
        message: `${o.type} ${o.value}: ${o.verdict}${o.score !== null ? ` (score ${o.score})` : ''}; `
          + o.providers.map((p) => `${p.provider} ${p.status.toLowerCase()}`).join(', '),
        details: {
          type: o.type, value: o.value, verdict: o.verdict, score: o.score,
          providers: o.providers.map((p) => ({ provider: p.provider, source: p.source, status: p.status, verdict: p.verdict, score: p.score, error: p.error })),
        },
      }));
    if (events.length > 0) await this.deps.events.publish(events);
  }
}

function distinct(indicators: IndicatorRef[]): IndicatorRef[] {
  const seen = new Map<string, IndicatorRef>();
  for (const { type, value } of indicators) {
    const normal = { type, value: normalizeIndicator(type as IndicatorType, value) };
    const key = refKey(normal.type, normal.value);
    if (!seen.has(key)) seen.set(key, normal);
  }
  return [...seen.values()];
}

function answered(provider: EnrichmentProvider, status: 'FETCHED' | 'CACHED', row: StoredAnswer): ProviderOutcome {
  return {
    provider: provider.vendor, source: provider.source, status, enrichmentId: row.id, verdict: row.verdict, score: row.score,
    summary: row.summary, link: row.link, details: row.details, fetchedAt: row.fetchedAt, expiresAt: row.expiresAt, error: null,
  };
}

function failed(provider: EnrichmentProvider, error: string): ProviderOutcome {
  return {
    provider: provider.vendor, source: provider.source, status: 'FAILED', enrichmentId: null, verdict: null, score: null,
    summary: null, link: null, details: null, fetchedAt: null, expiresAt: null, error,
  };
}

function skippedTlp(provider: EnrichmentProvider, tlp: Tlp): ProviderOutcome {
  return { ...failed(provider, `TLP:${tlp} is above ${provider.source}'s maxTlp (TLP:${provider.settings.maxTlp}); not sent`), status: 'SKIPPED_TLP' };
}
