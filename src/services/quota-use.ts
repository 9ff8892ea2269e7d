import type { DataSource } from 'typeorm';
import type { QuotaBudget } from '../domain/enrichment.js';
import type { SourceConfig } from '../sources/source-config.js';

export interface QuotaWindowUseRow {
  kind: 'PROVIDER' | 'RATE_LIMIT';
  window: 'MINUTE' | 'HOUR' | 'DAY';
  limit: number;
  used: number;
  blockedUntil: Date | null;
}

const WINDOW_SECONDS = { MINUTE: 60, HOUR: 3600 } as const;

/**
 * Calls spent per quota window of a source, as the Postgres-shared quota scheduler counts them: an enrichment
 * provider's own quota (keyed by the source's name) and the source's configured `rateLimit`. A minute or hour
 * counts the calls in flight and those ended within the window; a day, the calls of the current day window.
 */
export async function quotaUse(dataSource: DataSource, source: Pick<SourceConfig, 'name' | 'rateLimit' | 'settings'>): Promise<QuotaWindowUseRow[]> {
  const budgets: Array<[QuotaWindowUseRow['kind'], string, QuotaBudget]> = [];
  const provider = (source.settings as { quota?: QuotaBudget } | undefined)?.quota;
  if (provider) budgets.push(['PROVIDER', source.name, provider]);
  if (source.rateLimit?.perMinute || source.rateLimit?.perDay) {
    budgets.push(['RATE_LIMIT', `rate-limit:${source.name}`, { perMinute: source.rateLimit.perMinute ?? null, perHour: null, perDay: source.rateLimit.perDay ?? null }]);
  }
  const rows: QuotaWindowUseRow[] = [];
  for (const [kind, key, budget] of budgets) {
    const [use] = await dataSource.query(`SELECT
      (SELECT coalesce(sum(units), 0) FROM enrichment_quota_slot WHERE source = $1 AND (released_at IS NULL OR released_at > now() - make_interval(secs => $2))) AS minute,
      (SELECT coalesce(sum(units), 0) FROM enrichment_quota_slot WHERE source = $1 AND (released_at IS NULL OR released_at > now() - make_interval(secs => $3))) AS hour,
      (SELECT CASE WHEN day_start > now() - interval '1 day' THEN day_used ELSE 0 END FROM enrichment_quota WHERE source = $1) AS day,
      (SELECT blocked_until FROM enrichment_quota WHERE source = $1 AND blocked_until > now()) AS blocked`,
    [key, WINDOW_SECONDS.MINUTE, WINDOW_SECONDS.HOUR]) as Array<{ minute: string; hour: string; day: number | null; blocked: Date | null }>;
    const windows: Array<[QuotaWindowUseRow['window'], number | null, number]> = [
      ['MINUTE', budget.perMinute, Number(use?.minute ?? 0)],
      ['HOUR', budget.perHour, Number(use?.hour ?? 0)],
      ['DAY', budget.perDay, Number(use?.day ?? 0)],
    ];
    for (const [window, limit, used] of windows) {
      if (limit) rows.push({ kind, window, limit, used, blockedUntil: use?.blocked ?? null });
    }
  }
  return rows;
}
