import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A reserved provider call (or `units` calls, for a look-up that costs more than one): held from the
 * reservation until the call ends (`releasedAt`), then for one window length, so no window of the provider's
 * clock — whatever its alignment — sees more calls than the budget.
 */
@Entity({ name: 'enrichment_quota_slot' })
@Index('ix_enrichment_quota_slot_source', ['source', 'startedAt'])
export class EnrichmentQuotaSlotEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'text' }) source: string;
  @Column({ type: 'int' }) units: number;
  /** What the call looks up (the indicator id): a replica seeing it in flight elsewhere waits for that answer instead. */
  @Column({ type: 'text', nullable: true }) subject: string | null;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
  @Column({ name: 'released_at', type: 'timestamptz', nullable: true }) releasedAt: Date | null;
  /** Refreshed by the replica making the call while it is in flight; a stale one means that replica died. */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true }) heartbeatAt: Date | null;
}
