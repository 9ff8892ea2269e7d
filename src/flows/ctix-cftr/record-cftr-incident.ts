import type { IndicatorType, IncidentStatus, Verdict } from '../../domain/model.js';
import type { CftrClient } from '../../sources/cyware-cftr/client.js';
import { toIncidentData } from '../../sources/cyware-cftr/map.js';
import type { CftrIncidentWire } from '../../sources/cyware-cftr/wire.js';
import { IncidentEntity, IndicatorEntity } from '../../store/entities/index.js';
import { incidentUpsertSql, incidentValues } from '../../store/incident-mirror.js';
import type { Queryable } from '../../store/queryable.js';
import type { IncidentPlan } from './incident-plan.js';

export interface RecordedIncident {
  incidentId: string;
  /** Our indicator ids, in the plan's order. */
  linkedIndicatorIds: string[];
}

export interface RecordOutcome extends RecordedIncident {
  incident: IncidentEntity;
  indicators: IndicatorEntity[];
  readableId: string | null;
  url: string | null;
  /** Whether the idempotency claim was still ours and is now DONE (always false without a claim). */
  claimDone: boolean;
}

/**
 * Records a created Respond incident in ONE statement, so it is all or nothing and costs one round trip however
 * many IOCs it links: the incident (source CFTR; `incident-mirror.ts`'s upsert, keyed by source and
 * Respond id), its linked IOCs as indicators with sightings on the incident and on their CTIX objects, the incident
 * against each CTIX object it was made from, and — with a claim — the idempotency claim marked DONE with the answer
 * retries get. Answers the stored incident and indicator rows.
 */
export async function recordCftrIncident(db: Queryable, plan: IncidentPlan, wire: CftrIncidentWire, client: CftrClient, claim: { id: string; token: string } | null): Promise<RecordOutcome> {
  const data = toIncidentData(wire, client.incidentUrlTemplate);
  const readableId = typeof wire.readable_id === 'string' ? wire.readable_id : null;
  const [row] = await db.query(RECORD_SQL, [
    JSON.stringify(plan.linked.map((l, ord) => ({ ord, type: l.type, value: l.value, ctix_id: l.ctixId }))),
    plan.cftrSourceId,
    plan.ctixSourceId,
    JSON.stringify(plan.origins.map((o) => ({ kind: o.kind, ctix_id: o.ctixId }))),
    readableId,
    claim?.id ?? null,
    claim?.token ?? null,
    JSON.stringify(plan.skipped),
    ...incidentValues(data),
  ]);
  const incident = toIncidentEntity(row.incident);
  const indicators = (row.indicators as Array<Record<string, unknown>>).map(toIndicatorEntity);
  return {
    incidentId: incident.id, linkedIndicatorIds: indicators.map((i) => i.id), incident, indicators, readableId, url: data.url,
    claimDone: row.claim_done > 0,
  };
}

const RECORD_SQL = `
WITH inc AS (
  ${incidentUpsertSql(2, 9)}
  RETURNING *
), wanted AS (
  SELECT l.ord, l.type, l.value, l.ctix_id FROM jsonb_to_recordset($1::jsonb) AS l(ord int, type text, value text, ctix_id text)
), ind AS (
  INSERT INTO indicator (type, value, first_seen_at, last_seen_at)
  SELECT type, value, now(), now() FROM wanted
  ON CONFLICT (type, value) DO UPDATE SET last_seen_at = GREATEST(indicator.last_seen_at, EXCLUDED.last_seen_at)
  RETURNING *
), linked AS (
  SELECT w.ord, ind.id AS indicator_id, w.ctix_id FROM wanted w JOIN ind ON ind.type = w.type AND ind.value = w.value
), sighted AS (
  INSERT INTO sighting (indicator_id, subject_type, subject_id, source_id, first_seen_at, last_seen_at)
  SELECT s.indicator_id, s.subject_type, s.subject_id, s.source_id, now(), now() FROM (
    SELECT indicator_id, 'INCIDENT' AS subject_type, (SELECT id::text FROM inc) AS subject_id, $2::uuid AS source_id FROM linked
    UNION ALL
    SELECT indicator_id, 'THREAT_DATA', ctix_id, $3::uuid FROM linked
  ) s
  ON CONFLICT (indicator_id, subject_type, subject_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
), origins AS (
  INSERT INTO cftr_incident_origin (ctix_source_id, subject_kind, subject_id, incident_id, cftr_external_id, readable_id, url)
  SELECT $3::uuid, o.kind, o.ctix_id, (SELECT id FROM inc), $9, $5, $10 FROM jsonb_to_recordset($4::jsonb) AS o(kind text, ctix_id text)
  ON CONFLICT DO NOTHING
), ids AS (
  SELECT COALESCE(jsonb_agg(indicator_id ORDER BY ord), '[]'::jsonb) AS indicator_ids FROM linked
), done AS (
  UPDATE cftr_incident_request SET state = 'DONE', incident_id = (SELECT id FROM inc), completed_at = now(),
    result = jsonb_build_object('incidentId', (SELECT id FROM inc), 'linkedIndicatorIds', (SELECT indicator_ids FROM ids), 'skipped', $8::jsonb)
  WHERE id = $6::uuid AND claim_token = $7::uuid
  RETURNING id
)
SELECT (SELECT to_jsonb(inc) FROM inc) AS incident,
       (SELECT COALESCE(jsonb_agg(to_jsonb(ind) ORDER BY linked.ord), '[]'::jsonb) FROM linked JOIN ind ON ind.id = linked.indicator_id) AS indicators,
       (SELECT count(*) FROM done)::int AS claim_done`;

function toIncidentEntity(row: Record<string, any>): IncidentEntity {
  return Object.assign(new IncidentEntity(), {
    id: row.id, sourceId: row.source_id, externalId: row.external_id, url: row.url, title: row.title, description: row.description,
    status: row.status as IncidentStatus, severity: row.severity, phase: row.phase, resolution: row.resolution,
    resolutionSummary: row.resolution_summary, customFields: row.custom_fields ?? {}, version: row.version,
    createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at), closedAt: row.closed_at ? new Date(row.closed_at) : null,
  });
}

function toIndicatorEntity(row: Record<string, any>): IndicatorEntity {
  return Object.assign(new IndicatorEntity(), {
    id: row.id, type: row.type as IndicatorType, value: row.value, verdict: row.verdict as Verdict, score: row.score,
    firstSeenAt: new Date(row.first_seen_at), lastSeenAt: new Date(row.last_seen_at),
  });
}
