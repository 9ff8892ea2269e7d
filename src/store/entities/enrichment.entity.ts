import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Relation } from 'typeorm';
import type { IndicatorEntity } from './indicator.entity.js';
import type { Verdict } from '../../domain/model.js';
import type { Vendor } from '../../domain/vendor.js';

/** One provider's latest answer about an indicator; `expiresAt` bounds the cache. */
@Entity({ name: 'enrichment' })
@Unique('uq_enrichment_indicator_provider', ['indicatorId', 'provider'])
@Index('ix_enrichment_expires', ['expiresAt'])
export class EnrichmentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'indicator_id', type: 'uuid' }) indicatorId: string;
  @ManyToOne('IndicatorEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'indicator_id' }) indicator?: Relation<IndicatorEntity>;
  @Column({ type: 'text' }) provider: Vendor;
  /** The configured source that answered (null for rows written before the engine recorded it). */
  @Column({ type: 'text', nullable: true }) source: string | null;
  @Column({ type: 'text' }) verdict: Verdict;
  @Column({ type: 'int', nullable: true }) score: number | null;
  @Column({ type: 'text' }) summary: string;
  @Column({ type: 'jsonb', default: () => "'{}'" }) details: Record<string, unknown>;
  /** The provider's web page for the indicator. */
  @Column({ type: 'text', nullable: true }) link: string | null;
  /** The provider had no record of the indicator (cached for a shorter time). */
  @Column({ name: 'not_found', type: 'boolean', default: false }) notFound: boolean;
  @Column({ name: 'fetched_at', type: 'timestamptz' }) fetchedAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
}
