import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import type { IncidentEntity } from './incident.entity.js';

/**
 * A note on an incident. `originKey` names what produced it (e.g. the ticket worklog it copies), so a
 * note is written at most once per origin even across crashes and retries.
 */
@Entity({ name: 'incident_note' })
@Index('uq_incident_note_origin', ['incidentId', 'originKey'], { unique: true, where: 'origin_key IS NOT NULL' })
@Index('uq_incident_note_external', ['incidentId', 'externalId'], { unique: true, where: 'external_id IS NOT NULL' })
@Index('ix_incident_note_created', ['incidentId', 'createdAt'])
export class IncidentNoteEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'incident_id', type: 'uuid' }) incidentId: string;
  @ManyToOne('IncidentEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'incident_id' }) incident?: Relation<IncidentEntity>;
  @Column({ name: 'external_id', type: 'text', nullable: true }) externalId: string | null;
  @Column({ name: 'origin_key', type: 'text', nullable: true }) originKey: string | null;
  @Column({ type: 'text' }) body: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
