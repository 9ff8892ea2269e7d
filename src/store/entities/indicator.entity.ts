import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { IndicatorType, Verdict } from '../../domain/model.js';

/** An indicator of compromise, unique by (type, normalised value), with its aggregated verdict. */
@Entity({ name: 'indicator' })
@Unique('uq_indicator_type_value', ['type', 'value'])
@Index('ix_indicator_verdict', ['verdict'])
@Index('ix_indicator_last_seen', ['lastSeenAt'])
/** `value text_pattern_ops` for `valuePrefix` (migration 1764430000000; TypeORM cannot describe the operator class). */
@Index('ix_indicator_value_prefix', { synchronize: false })
export class IndicatorEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) type: IndicatorType;
  @Column({ type: 'text' }) value: string;
  @Column({ type: 'text', default: 'UNKNOWN' }) verdict: Verdict;
  @Column({ type: 'int', nullable: true }) score: number | null;
  @Column({ name: 'first_seen_at', type: 'timestamptz' }) firstSeenAt: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt: Date;
}
