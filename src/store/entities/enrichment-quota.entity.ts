import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One provider source's shared quota state (every replica reads and locks this row): a block set by a 429
 * (`blockedUntil`, from Retry-After) and the calls spent in the current day window. The per-minute and per-hour
 * windows are counted from `enrichment_quota_slot`.
 */
@Entity({ name: 'enrichment_quota' })
export class EnrichmentQuotaEntity {
  @PrimaryColumn({ type: 'text' }) source: string;
  @Column({ name: 'blocked_until', type: 'timestamptz', nullable: true }) blockedUntil: Date | null;
  @Column({ name: 'block_reason', type: 'text', nullable: true }) blockReason: string | null;
  @Column({ name: 'day_start', type: 'timestamptz', nullable: true }) dayStart: Date | null;
  @Column({ name: 'day_used', type: 'int', default: 0 }) dayUsed: number;
}
