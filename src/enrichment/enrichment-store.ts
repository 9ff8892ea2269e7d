import type { DataSource } from 'typeorm';
import { poolOf } from '../db/data-source.js';
import type { EnrichmentResult, IndicatorRef } from '../domain/enrichment.js';
import type { Verdict } from '../domain/model.js';
import type { Vendor } from '../domain/vendor.js';
import { AGGREGATE_VERDICT_SQL } from './verdict-aggregation.js';

/** A stored provider answer (the `enrichment` row) with whether it is still fresh by the database clock. */
export interface StoredAnswer extends Omit<EnrichmentResult, 'callsSpent'> {
  id: string;
  indicatorId: string;
  provider: Vendor;
  source: string | null;
  fetchedAt: Date;
  expiresAt: Date;
  fresh: boolean;
}

const ANSWER_COLUMNS = `id::text AS id, indicator_id::text AS "indicatorId", provider, source, verdict, score, summary, details, link,
  not_found AS "notFound", fetched_at AS "fetchedAt", expires_at AS "expiresAt", expires_at > clock_timestamp() AS fresh`;

/** The engine's reads and writes of `indicator` and `enrichment` (the cache is the enrichment table itself). */
export class EnrichmentStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates the indicators that are new and returns every indicator's id by `type|value`. Existing rows are not
   * locked (ON CONFLICT DO NOTHING) and new ones are inserted in (type, value) order, so concurrent requests — and
   * the aggregate's row locks — cannot deadlock.
   */
  async upsertIndicators(refs: IndicatorRef[]): Promise<Map<string, string>> {
    const input = JSON.stringify(refs);
    const rows: Array<{ id: string; type: string; value: string }> = await this.dataSource.query(
      `WITH input AS (SELECT type, value FROM jsonb_to_recordset($1::jsonb) AS i(type text, value text)),
            created AS (INSERT INTO indicator (type, value, first_seen_at, last_seen_at)
                          SELECT type, value, now(), now() FROM input ORDER BY type, value
                        ON CONFLICT (type, value) DO NOTHING
                        RETURNING id, type, value)
       SELECT id::text AS id, type, value FROM created
       UNION ALL
       SELECT x.id::text, x.type, x.value FROM indicator x JOIN input USING (type, value)`,
      [input]);
    const ids = new Map(rows.map((r) => [refKey(r.type, r.value), r.id]));
    const missing = refs.filter((r) => !ids.has(refKey(r.type, r.value)));
    if (missing.length > 0) {
      // Created by a concurrent request that committed after this statement's snapshot: visible now.
      const late: Array<{ id: string; type: string; value: string }> = await this.dataSource.query(
        `SELECT x.id::text AS id, x.type, x.value FROM indicator x
           JOIN jsonb_to_recordset($1::jsonb) AS i(type text, value text) USING (type, value)`, [JSON.stringify(missing)]);
      for (const r of late) ids.set(refKey(r.type, r.value), r.id);
    }
    return ids;
  }

  /** Every stored answer for these indicators (fresh or not). */
  async answers(indicatorIds: string[]): Promise<StoredAnswer[]> {
    if (indicatorIds.length === 0) return [];
    return this.dataSource.query(`SELECT ${ANSWER_COLUMNS} FROM enrichment WHERE indicator_id = ANY($1::uuid[])`, [indicatorIds]);
  }

  /** The provider's answer for the indicator if it is still fresh (optionally: fetched at or after `since`). */
  async freshAnswer(indicatorId: string, provider: Vendor, since?: Date): Promise<StoredAnswer | null> {
    const rows: StoredAnswer[] = await this.dataSource.query(
      `SELECT ${ANSWER_COLUMNS} FROM enrichment
        WHERE indicator_id = $1 AND provider = $2 AND expires_at > clock_timestamp() AND ($3::timestamptz IS NULL OR fetched_at >= $3)`,
      [indicatorId, provider, since ?? null]);
    return rows[0] ?? null;
  }

  /**
   * Stores a provider's answer, replacing its previous one; fresh for `ttlSeconds`. `releaseSlotId` marks the
   * call's quota slot as ended in the same statement (one round trip), keeping only the units the look-up spent
   * (`callsSpent`) in the minute/hour windows; the day counter keeps what was reserved (conservative).
   */
  async saveAnswer(indicatorId: string, provider: Vendor, source: string, result: EnrichmentResult, ttlSeconds: number, releaseSlotId: string | null = null): Promise<StoredAnswer> {
    const rows: StoredAnswer[] = await this.dataSource.query(
      `WITH released AS (UPDATE enrichment_quota_slot SET released_at = clock_timestamp(), units = LEAST(units, COALESCE($12::int, units))
                           WHERE id = $11::bigint)
       INSERT INTO enrichment (indicator_id, provider, source, verdict, score, summary, details, link, not_found, fetched_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, clock_timestamp(), clock_timestamp() + $10 * interval '1 second')
       ON CONFLICT (indicator_id, provider) DO UPDATE SET
         source = EXCLUDED.source, verdict = EXCLUDED.verdict, score = EXCLUDED.score, summary = EXCLUDED.summary,
         details = EXCLUDED.details, link = EXCLUDED.link, not_found = EXCLUDED.not_found,
         fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at
       RETURNING ${ANSWER_COLUMNS}`,
      [indicatorId, provider, source, result.verdict, clampScore(result.score), result.summary, JSON.stringify(result.details ?? {}),
        result.link, result.notFound, ttlSeconds, releaseSlotId, result.callsSpent ?? null]);
    return rows[0];
  }

  /**
   * Aggregates each indicator's verdict and score over every stored answer, in the database at write time (so
   * concurrent requests cannot write a stale aggregate), and returns them. Rows are locked in id order.
   */
  async aggregate(indicatorIds: string[]): Promise<Map<string, { verdict: Verdict; score: number | null }>> {
    if (indicatorIds.length === 0) return new Map();
    // Straight on the pool: TypeORM's query() wraps an UPDATE's RETURNING rows with the affected count.
    const { rows } = await poolOf(this.dataSource).query<{ id: string; verdict: Verdict; score: number | null }>(
      `WITH target AS (SELECT id FROM indicator WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE),
            agg AS (SELECT t.id, ${AGGREGATE_VERDICT_SQL} AS verdict, MAX(e.score) AS score
                      FROM target t LEFT JOIN enrichment e ON e.indicator_id = t.id GROUP BY t.id)
       UPDATE indicator SET verdict = agg.verdict, score = agg.score FROM agg WHERE indicator.id = agg.id
       RETURNING indicator.id::text AS id, indicator.verdict, indicator.score`,
      [indicatorIds]);
    return new Map(rows.map((r) => [r.id, { verdict: r.verdict, score: r.score }]));
  }
}

export function refKey(type: string, value: string): string {
  return `${type}|${value}`;
}

function clampScore(score: number | null): number | null {
  if (score === null || !Number.isFinite(score)) return null;
  return Math.max(0, Math.min(100, Math.round(score)));
}
