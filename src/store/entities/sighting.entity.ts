import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Relation } from 'typeorm';
import type { IndicatorEntity } from './indicator.entity.js';

export type SightingSubject = 'TICKET' | 'INCIDENT' | 'THREAT_DATA';

/** Where an indicator was seen: a ticket, an incident, or a threat data object (by its external id). */
@Entity({ name: 'sighting' })
@Unique('uq_sighting', ['indicatorId', 'subjectType', 'subjectId'])
@Index('ix_sighting_subject', ['subjectType', 'subjectId'])
export class SightingEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'indicator_id', type: 'uuid' }) indicatorId: string;
  @ManyToOne('IndicatorEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'indicator_id' }) indicator?: Relation<IndicatorEntity>;
  @Column({ name: 'subject_type', type: 'text' }) subjectType: SightingSubject;
  /** Our uuid for tickets and incidents; the vendor id for threat data. */
  @Column({ name: 'subject_id', type: 'text' }) subjectId: string;
  @Column({ name: 'source_id', type: 'uuid', nullable: true }) sourceId: string | null;
  @Column({ name: 'first_seen_at', type: 'timestamptz' }) firstSeenAt: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt: Date;
}
