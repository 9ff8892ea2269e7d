import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Vendor } from '../../domain/vendor.js';

/**
 * The durable event log. `cursor` is assigned under a transaction-scoped advisory lock, so cursors
 * become visible in order and a reader that has seen cursor N will never later find one below N.
 */
@Entity({ name: 'sync_event' })
@Index('ix_sync_event_kind', ['kind', 'cursor'])
@Index('ix_sync_event_vendor', ['vendor', 'cursor'])
@Index('ix_sync_event_subject', ['subjectId', 'cursor'], { where: 'subject_id IS NOT NULL' })
export class SyncEventEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment' }) cursor: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
  @Column({ type: 'text', nullable: true }) vendor: Vendor | null;
  @Column({ name: 'subject_id', type: 'text', nullable: true }) subjectId: string | null;
  @Column({ type: 'text' }) message: string;
  @Column({ type: 'jsonb', default: () => "'{}'" }) details: Record<string, unknown>;
}
