import { createHash, randomUUID } from 'node:crypto';
import { CYWARE_CFTR } from '../../sources/cyware-cftr/vendor-id.js';
import { SyncEventKind } from '../../events/sync-event-kind.js';
import { childLogger } from '../../observability/logger.js';
import { badUserInput, DomainError } from '../../domain/errors.js';
import { toGlobalId } from '../../domain/global-id.js';
import type { HubServices } from '../../services/hub-services.js';
import type { RegisteredSource } from '../../services/source-registry.js';
import type { CftrClient } from '../../sources/cyware-cftr/client.js';
import type { CftrIncidentWire } from '../../sources/cyware-cftr/wire.js';
import { VendorError } from '../../sources/http/vendor-error.js';
import { sleep } from '../../sources/http/vendor-http.js';
import { directSql, type Queryable } from '../../store/queryable.js';
import { planIncident, toNewCftrIncident, type IncidentPlan } from './incident-plan.js';
import { CFTR, pickSource } from './pick-source.js';
import type { IncidentEntity, IndicatorEntity } from '../../store/entities/index.js';
import { recordCftrIncident, type RecordedIncident, type RecordOutcome } from './record-cftr-incident.js';
import { readSelection, type SelectionInput } from './selection.js';
import { mappingTable } from './type-mappings.js';
import { cywareCftrManifest } from '../../sources/cyware-cftr/manifest.js';

export interface CreateCftrIncidentRequest {
  selection: SelectionInput;
  title: string | null;
  idempotencyKey: string | null;
  cftrSource: string | null;
}

export interface CftrIncidentOutcome extends RecordedIncident {
  skipped: IncidentPlan['skipped'];
  /** Answered from an earlier call with the same idempotency key. */
  replayed: boolean;
  /** The stored rows when this call recorded them (a replay reads them by id). */
  incident?: IncidentEntity;
  indicators?: IndicatorEntity[];
}

interface Claim {
  id: string;
  token: string;
}

/** How long a call waits for a concurrent call holding the same key before answering CONFLICT. */
const WAIT_FOR_HOLDER_MS = 90_000;
/** A claim older than this is taken to belong to a crashed call and may be taken over. */
const STALE_CLAIM_SECONDS = 300;
const POLL_MS = 50;

/**
 * `createCftrIncident`: reads the selection live from Intel Exchange, creates one Respond incident with the IOCs
 * of mapped types linked, and records it (incident, indicators, sightings, origins) in one transaction.
 *
 * Idempotency: the key is claimed by inserting a row under a unique constraint before anything is created, so of
 * two concurrent calls with one key exactly one creates; the other waits and answers the same result. A call that
 * fails before Respond created anything releases the claim (nothing recorded, a retry starts afresh). Recording is
 * one statement (all or nothing) that also marks the claim DONE; if it fails, the claim keeps Respond's incident id
 * and the plan, so a retry finishes the recording instead of creating a twin.
 */
export class CftrIncidentCreator {
  private readonly db: Queryable;
  private readonly log = childLogger({ component: 'cftr-incidents' });

  constructor(private readonly hub: HubServices) {
    this.db = directSql(hub.dataSource);
  }

  async create(request: CreateCftrIncidentRequest): Promise<CftrIncidentOutcome> {
    const cftr = pickSource(this.hub, CFTR, request.cftrSource, 'input.cftrSource');
    const key = request.idempotencyKey;
    if (key === null) return this.run(request, cftr, null, `socgraph:${randomUUID()}`);
    const fingerprint = createHash('sha256').update(JSON.stringify([request.selection, request.title, cftr.config.name])).digest('hex');
    const deadline = Date.now() + WAIT_FOR_HOLDER_MS;
    for (;;) {
      const token = randomUUID();
      const [claimed] = await this.db.query(
        `INSERT INTO cftr_incident_request (idempotency_key, fingerprint, state, claim_token, claimed_at, cftr_source_id)
         VALUES ($1, $2, 'PENDING', $3, now(), $4) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        [key, fingerprint, token, cftr.entity.id]);
      if (claimed) return this.run(request, cftr, { id: claimed.id, token }, `socgraph:${claimed.id}`);

      const [row] = await this.db.query(
        `SELECT id, fingerprint, state, claim_token, cftr_external_id, plan, result, created_at, claimed_at < now() - make_interval(secs => $2) AS stale
         FROM cftr_incident_request WHERE idempotency_key = $1`, [key, STALE_CLAIM_SECONDS]);
      if (!row) continue; // the holder failed and released it: claim it now
      if (row.fingerprint !== fingerprint) {
        throw badUserInput('idempotencyKey: already used for a different request (a retry must repeat the same input)', 'input.idempotencyKey');
      }
      if (row.state === 'DONE') return { ...(row.result as Omit<CftrIncidentOutcome, 'replayed'>), replayed: true };
      if (row.stale) {
        const [taken] = await this.db.query(
          `UPDATE cftr_incident_request SET claim_token = $3, claimed_at = now() WHERE id = $1 AND claim_token = $2 RETURNING id`,
          [row.id, row.claim_token, token]);
        if (taken) {
          const claim = { id: row.id as string, token };
          if (row.state === 'CREATED') return this.finish(claim, row.plan as IncidentPlan, row.cftr_external_id as string);
          if (row.state === 'ATTEMPTED') return this.reconcile(claim, row.plan as IncidentPlan, row.created_at as Date);
          return this.run(request, cftr, claim, `socgraph:${row.id}`);
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new DomainError('idempotencyKey: a call with this key is still in progress; retry later', { extensions: { code: 'CONFLICT', argument: 'input.idempotencyKey' } });
      }
      await sleep(POLL_MS);
    }
  }

  /** Plans, creates in Respond and records; on a failure before anything may have been created, releases the claim. */
  private async run(request: CreateCftrIncidentRequest, cftr: RegisteredSource, claim: Claim | null, externalId: string): Promise<CftrIncidentOutcome> {
    let plan: IncidentPlan;
    try {
      const [selection, mappings] = await Promise.all([readSelection(this.hub, request.selection), mappingTable(this.hub.dataSource)]);
      plan = planIncident(selection, mappings, { title: request.title, cftrSourceId: cftr.entity.id, cftrSourceName: cftr.config.name, externalId });
    } catch (error) {
      if (claim) await this.release(claim);
      throw error;
    }
    return this.record(claim, plan, await this.createInRespond(claim, plan));
  }

  /**
   * POSTs the incident. A definite refusal releases the claim (nothing exists; a retry starts afresh). A failure
   * after which the incident may exist — a 5xx, a timeout, a lost connection, or linking failing after the create —
   * keeps the claim as ATTEMPTED with the plan: a retry with the same key first looks for the incident in Respond
   * (by its external id) instead of creating a twin.
   */
  private async createInRespond(claim: Claim | null, plan: IncidentPlan): Promise<CftrIncidentWire> {
    try {
      return await this.hub.sources.client(plan.cftrSourceName, cywareCftrManifest).createIncident(toNewCftrIncident(plan));
    } catch (error) {
      if (claim && mayHaveCreated(error)) {
        await this.db.query(
          `UPDATE cftr_incident_request SET state = 'ATTEMPTED', plan = $3::jsonb, claimed_at = 'epoch' WHERE id = $1 AND claim_token = $2`,
          [claim.id, claim.token, JSON.stringify(plan)])
          .catch((e) => this.log.error({ err: e, claim: claim.id }, 'could not mark an uncertain Respond create on its claim'));
      } else if (claim) {
        // A definite refusal: nothing exists (a claim ATTEMPTED before was searched for by `reconcile` just now),
        // so the key is free at once for the next call, corrected or not.
        const refused = error instanceof VendorError && error.code === 'UPSTREAM_REJECTED';
        await this.release(claim, refused ? ['PENDING', 'ATTEMPTED'] : ['PENDING']);
      }
      throw error;
    }
  }

  /**
   * Retrying a claim whose create may have happened: Respond's incidents created since the claim are looked at for
   * its external id; found, it is recorded; not found, it is created now (with the same external id). List rows
   * carry only `unique_id, readable_id, title, status`, severity and dates (notes §3.1/§3.2); `external_id` is on
   * the detail, so each candidate's detail is read (those with our title first; a row that does carry an
   * `external_id` is judged by it).
   */
  private async reconcile(claim: Claim, plan: IncidentPlan, claimedSince: Date): Promise<CftrIncidentOutcome> {
    const client = this.hub.sources.client(plan.cftrSourceName, cywareCftrManifest);
    let found: CftrIncidentWire | null = null;
    try {
      found = await findCreated(client, plan, new Date(claimedSince.getTime() - 120_000));
    } catch (error) {
      // Still ATTEMPTED: the next retry may take it over at once.
      await this.db.query(`UPDATE cftr_incident_request SET claimed_at = 'epoch' WHERE id = $1 AND claim_token = $2`, [claim.id, claim.token])
        .catch(() => undefined);
      throw error;
    }
    if (found) this.log.info({ claim: claim.id, cftrId: found.unique_id }, 'an uncertain Respond create had happened: recording it');
    return this.record(claim, plan, found ?? await this.createInRespond(claim, plan));
  }

  /** Finishes a claim whose incident Respond already created (the earlier call failed while recording). */
  private async finish(claim: Claim, plan: IncidentPlan, cftrId: string): Promise<CftrIncidentOutcome> {
    let wire: CftrIncidentWire;
    try {
      wire = await this.hub.sources.client(plan.cftrSourceName, cywareCftrManifest).getIncident(cftrId);
    } catch (error) {
      // Still CREATED: the next retry may take it over at once.
      await this.db.query(`UPDATE cftr_incident_request SET claimed_at = 'epoch' WHERE id = $1 AND claim_token = $2`, [claim.id, claim.token])
        .catch(() => undefined);
      throw error;
    }
    return this.record(claim, plan, wire);
  }

  private async record(claim: Claim | null, plan: IncidentPlan, wire: CftrIncidentWire): Promise<CftrIncidentOutcome> {
    const client = this.hub.sources.client(plan.cftrSourceName, cywareCftrManifest);
    let recorded: RecordOutcome;
    try {
      // One statement: all of it is recorded, or none of it.
      recorded = await recordCftrIncident(this.db, plan, wire, client, claim);
      if (claim && !recorded.claimDone) this.log.warn({ claim: claim.id }, 'idempotency claim taken over while recording; recorded anyway (same Respond incident)');
    } catch (error) {
      // The incident exists in Respond: keep its id and the plan on the claim, and let a retry with the same key
      // finish the recording at once instead of creating a twin.
      if (claim) {
        await this.db.query(
          `UPDATE cftr_incident_request SET state = 'CREATED', cftr_external_id = $3, plan = $4::jsonb, claimed_at = 'epoch'
           WHERE id = $1 AND claim_token = $2`, [claim.id, claim.token, wire.unique_id, JSON.stringify(plan)])
          .catch((e) => this.log.error({ err: e, claim: claim.id, cftrId: wire.unique_id }, 'could not keep a created Respond incident on its claim'));
      }
      throw error;
    }
    await this.announce(plan, wire, recorded);
    return {
      incidentId: recorded.incidentId, linkedIndicatorIds: recorded.linkedIndicatorIds, skipped: plan.skipped, replayed: false,
      incident: recorded.incident, indicators: recorded.indicators,
    };
  }

  private async announce(plan: IncidentPlan, wire: CftrIncidentWire, recorded: RecordOutcome): Promise<void> {
    const name = recorded.readableId ? `${recorded.readableId} (${wire.unique_id})` : wire.unique_id;
    try {
      await this.hub.events.publish({
        kind: SyncEventKind.INCIDENT_CREATED,
        vendor: CYWARE_CFTR,
        subjectId: toGlobalId('Incident', recorded.incidentId),
        message: `Respond incident ${name} created from Intel Exchange ${plan.kind.toLowerCase().replace('_', ' ')}: ` +
          `${plan.linked.length} indicators linked, ${plan.skipped.length} skipped`,
        details: {
          cftrId: wire.unique_id, readableId: recorded.readableId, url: recorded.url, title: plan.title, origin: plan.kind,
          ctixObjects: plan.origins.length, linked: plan.linked.length, skipped: plan.skipped.length,
        },
      });
    } catch (error) {
      // The incident is recorded; a lost event must not turn it into a failure the caller would retry.
      this.log.error({ err: error, incidentId: recorded.incidentId }, 'could not publish INCIDENT_CREATED');
    }
  }

  private async release(claim: Claim, states: Array<'PENDING' | 'ATTEMPTED'> = ['PENDING']): Promise<void> {
    // By default only a claim with nothing created (PENDING) is released; an ATTEMPTED one keeps its plan for the
    // retry, unless Respond has just refused the create outright.
    await this.db.query('DELETE FROM cftr_incident_request WHERE id = $1 AND claim_token = $2 AND state = ANY($3)', [claim.id, claim.token, states])
      .catch((error) => this.log.warn({ err: error }, 'could not release an idempotency claim'));
  }
}

/** The incident Respond created for this plan since `createdFrom` (by the `external_id` of its detail), if any. */
async function findCreated(client: CftrClient, plan: IncidentPlan, createdFrom: Date): Promise<CftrIncidentWire | null> {
  const likely: CftrIncidentWire[] = [];
  const others: CftrIncidentWire[] = [];
  for await (const page of client.incidentPages({ createdFrom })) {
    for (const row of page) {
      if (typeof row.external_id === 'string') {
        if (row.external_id === plan.externalId) return client.getIncident(row.unique_id);
        continue;
      }
      (row.title === plan.title ? likely : others).push(row);
    }
  }
  for (const row of [...likely, ...others]) {
    const detail = await client.getIncident(row.unique_id);
    if (detail.external_id === plan.externalId) return detail;
  }
  return null;
}

/** Whether Respond may have created the incident although the call failed (no answer, a 5xx, or linking failed after it). */
function mayHaveCreated(error: unknown): boolean {
  if (!(error instanceof VendorError)) return false;
  if (/was created but linking/.test(error.message)) return true;
  return error.code === 'UPSTREAM_UNAVAILABLE' && error.status !== 429;
}
