import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Relation } from 'typeorm';
import type { IncidentEntity } from '../../../store/entities/incident.entity.js';

export type CftrOriginKind = 'THREAT_DATA' | 'INVESTIGATION' | 'BULLETIN';

/**
 * A Respond (CFTR) incident recorded against the Intel Exchange (CTIX) object it was made from: each selected
 * threat data object, investigation (and its chosen nodes) or bulletin (and its objects). `ThreatDataObject.cftrIncidents`
 * reads it (the console's "CFTR Incidents" quick action).
 */
@Entity({ name: 'cftr_incident_origin' })
@Unique('uq_cftr_incident_origin', ['ctixSourceId', 'subjectKind', 'subjectId', 'incidentId'])
@Index('ix_cftr_incident_origin_subject', ['ctixSourceId', 'subjectKind', 'subjectId'])
export class CftrIncidentOriginEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'ctix_source_id', type: 'uuid' }) ctixSourceId: string;
  @Column({ name: 'subject_kind', type: 'text' }) subjectKind: CftrOriginKind;
  /** The CTIX id of the object, investigation or bulletin. */
  @Column({ name: 'subject_id', type: 'text' }) subjectId: string;
  @Column({ name: 'incident_id', type: 'uuid' }) incidentId: string;
  @ManyToOne('IncidentEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'incident_id' }) incident?: Relation<IncidentEntity>;
  /** Respond's `unique_id`, `readable_id` and link for humans. */
  @Column({ name: 'cftr_external_id', type: 'text' }) cftrExternalId: string;
  @Column({ name: 'readable_id', type: 'text', nullable: true }) readableId: string | null;
  @Column({ type: 'text', nullable: true }) url: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}
