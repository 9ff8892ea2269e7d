import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Relation } from 'typeorm';
import type { SourceEntity } from './source.entity.js';
import type { IncidentStatus } from '../../domain/model.js';

/** A case in a response platform (Resilient, CFTR). */
@Entity({ name: 'incident' })
@Unique('uq_incident_source_external', ['sourceId', 'externalId'])
@Index('ix_incident_status', ['status'])
@Index('ix_incident_severity', ['severity'])
@Index('ix_incident_updated', ['updatedAt'])
@Index('ix_incident_created', ['createdAt'])
@Index('ix_incident_external', ['externalId'])
/** Trigram GiST index on the title for `search` (migration 1764430000000; TypeORM cannot describe it). */
@Index('ix_incident_title_trgm', { synchronize: false })
export class IncidentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'source_id', type: 'uuid' }) sourceId: string;
  @ManyToOne('SourceEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'source_id' }) source?: Relation<SourceEntity>;
  @Column({ name: 'external_id', type: 'text' }) externalId: string;
  @Column({ type: 'text', nullable: true }) url: string | null;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text' }) status: IncidentStatus;
  @Column({ type: 'text', nullable: true }) severity: string | null;
  @Column({ type: 'text', nullable: true }) phase: string | null;
  @Column({ type: 'text', nullable: true }) resolution: string | null;
  @Column({ name: 'resolution_summary', type: 'text', nullable: true }) resolutionSummary: string | null;
  @Column({ name: 'custom_fields', type: 'jsonb', default: () => "'{}'" }) customFields: Record<string, unknown>;
  @Column({ type: 'text', nullable: true }) version: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  /**
   * Flow 1: the incident's current close is already in step with its ticket (acted on by the Resilient→CTP close
   * pass, or caused by the hub). Only a close not yet handled is a close that happened in Resilient.
   */
  @Column({ name: 'close_handled', type: 'boolean', default: false }) closeHandled: boolean;
}
