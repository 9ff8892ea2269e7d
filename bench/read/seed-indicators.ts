import type pg from 'pg';

/**
 * Indicators on the synced incidents, written straight to the tables (the CTP → Resilient flow finds none in the
 * sandbox's tickets): two per incident, sighted on it, each with an AbuseIPDB and a VirusTotal enrichment.
 */
export async function seedIndicators(client: pg.Client): Promise<{ incidents: number; indicators: number; enrichments: number }> {
  await client.query(`
    WITH numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM incident),
    made AS (
      INSERT INTO indicator (type, value, verdict, score, first_seen_at, last_seen_at)
      SELECT 'IPV4', '10.' || (n / 250)::int || '.' || (n % 250)::int || '.' || k, CASE WHEN k = 1 THEN 'MALICIOUS' ELSE 'HARMLESS' END,
        CASE WHEN k = 1 THEN 90 ELSE 5 END, now() - interval '1 day', now()
      FROM numbered, generate_series(1, 2) k
      RETURNING id, value)
    INSERT INTO sighting (indicator_id, subject_type, subject_id, first_seen_at, last_seen_at)
    SELECT made.id, 'INCIDENT', numbered.id::text, now() - (split_part(made.value, '.', 4)::int * interval '1 minute'), now()
    FROM made JOIN numbered ON '10.' || (numbered.n / 250)::int || '.' || (numbered.n % 250)::int = regexp_replace(made.value, '\\.[0-9]+$', '')`);
  await client.query(`
    INSERT INTO enrichment (indicator_id, provider, source, verdict, score, summary, details, link, not_found, fetched_at, expires_at)
    SELECT x.id, p.provider, lower(p.provider), x.verdict, x.score, p.provider || ' says ' || lower(x.verdict), '{"reports": 3}',
      'https://example.test/' || x.value, false, now(), now() + interval '1 day'
    FROM indicator x, (VALUES ('ABUSEIPDB'), ('VIRUSTOTAL')) p(provider)`);
  const count = async (table: string) => Number((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
  return { incidents: await count('incident'), indicators: await count('indicator'), enrichments: await count('enrichment') };
}
