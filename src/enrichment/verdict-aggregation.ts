/**
 * An indicator's verdict over its providers' answers (every stored answer, fresh or not): MALICIOUS if any
 * provider says so, else SUSPICIOUS if any does, else HARMLESS if any provider knows it as harmless, else UNKNOWN
 * (no answer, or only not-found ones). The score is the highest score any provider gave (null when none scored
 * it): one engine's alarm is not averaged away by another's silence.
 *
 * Computed in SQL over `enrichment e` (grouped by indicator) when the aggregate is written, so concurrent
 * enrichments of one indicator always leave the aggregate of every answer stored.
 */
export const AGGREGATE_VERDICT_SQL = `CASE
  WHEN bool_or(e.verdict = 'MALICIOUS') THEN 'MALICIOUS'
  WHEN bool_or(e.verdict = 'SUSPICIOUS') THEN 'SUSPICIOUS'
  WHEN bool_or(e.verdict = 'HARMLESS') THEN 'HARMLESS'
  ELSE 'UNKNOWN' END`;
