import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type CftrIncidentRequestState = 'PENDING' | 'ATTEMPTED' | 'CREATED' | 'DONE';

/**
 * One `createCftrIncident` call made with an idempotency key. The unique key is the claim: of two concurrent
 * calls with one key only one inserts the row and creates the Respond incident; the other waits for its result.
 * PENDING: claimed, nothing created yet. ATTEMPTED: the create failed in a way that may have created it (a 5xx,
 * a timeout); a retry searches Respond for its external id before creating. CREATED: the Respond incident exists (its id and the plan are kept so a
 * retry finishes the recording instead of creating a twin). DONE: recorded; `result` is answered to retries.
 */
@Entity({ name: 'cftr_incident_request' })
@Unique('uq_cftr_incident_request_key', ['idempotencyKey'])
export class CftrIncidentRequestEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'idempotency_key', type: 'text' }) idempotencyKey: string;
  /** Hash of the request's input: a key reused for a different request is refused. */
  @Column({ type: 'text' }) fingerprint: string;
  @Column({ type: 'text' }) state: CftrIncidentRequestState;
  /** Who holds the claim (a crashed holder's stale claim can be taken over). */
  @Column({ name: 'claim_token', type: 'uuid' }) claimToken: string;
  @Column({ name: 'claimed_at', type: 'timestamptz' }) claimedAt: Date;
  @Column({ name: 'cftr_source_id', type: 'uuid', nullable: true }) cftrSourceId: string | null;
  @Column({ name: 'cftr_external_id', type: 'text', nullable: true }) cftrExternalId: string | null;
  @Column({ type: 'jsonb', nullable: true }) plan: Record<string, unknown> | null;
  @Column({ name: 'incident_id', type: 'uuid', nullable: true }) incidentId: string | null;
  @Column({ type: 'jsonb', nullable: true }) result: Record<string, unknown> | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
}
