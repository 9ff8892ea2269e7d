import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/**
 * The next step of the Ivanti enrichment playbook for one incident: RETRIEVE (mirror, extract, enrich, build the
 * bundle), PUBLISH (send the stored bundle to CTIX), RECORD (the Ivanti incident recording the publication),
 * NOTE (the journal note on the original incident), DONE.
 */
export type IvantiEnrichmentStep = 'RETRIEVE' | 'PUBLISH' | 'RECORD' | 'NOTE' | 'DONE';

/**
 * After DONE, when providers failed: ENRICH (ask them again on later runs), NOTE (they answered: write one
 * follow-up journal note), DONE, or GAVE_UP (still no answer after the configured attempts).
 */
export type IvantiEnrichmentFollowUp = 'ENRICH' | 'NOTE' | 'DONE' | 'GAVE_UP';

/**
 * Durable progress of the Ivanti enrichment playbook per incident, so a retry or a restart resumes at the step
 * it stopped at: what was published and written is kept here (the bundle before it is sent, the vendor ids
 * after), never produced twice.
 */
@Entity({ name: 'ivanti_enrichment_progress' })
@Unique('uq_ivanti_enrichment_progress_incident', ['sourceId', 'incidentRecId'])
@Index('ix_ivanti_enrichment_progress_step', ['sourceId', 'step'])
@Index('ix_ivanti_enrichment_progress_record', ['recordIncidentRecId'])
export class IvantiEnrichmentProgressEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** The Ivanti source the incident came from. */
  @Column({ name: 'source_id', type: 'uuid' }) sourceId: string;
  @Column({ name: 'incident_rec_id', type: 'text' }) incidentRecId: string;
  @Column({ name: 'incident_number', type: 'int' }) incidentNumber: number;
  @Column({ name: 'incident_created_at', type: 'timestamptz' }) incidentCreatedAt: Date;
  /** Our ticket, once mirrored. */
  @Column({ name: 'ticket_id', type: 'uuid', nullable: true }) ticketId: string | null;
  @Column({ type: 'text', default: 'RETRIEVE' }) step: IvantiEnrichmentStep;
  @Column({ name: 'bundle_id', type: 'text', nullable: true }) bundleId: string | null;
  /** The STIX bundle exactly as (to be) sent: a resend after a crash sends the same ids. */
  @Column({ type: 'jsonb', nullable: true }) bundle: Record<string, unknown> | null;
  /** What the record incident and the journal note say (indicators, provider answers, gaps, counts). */
  @Column({ type: 'jsonb', nullable: true }) report: Record<string, unknown> | null;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @Column({ name: 'record_incident_rec_id', type: 'text', nullable: true }) recordIncidentRecId: string | null;
  @Column({ name: 'record_incident_number', type: 'int', nullable: true }) recordIncidentNumber: number | null;
  @Column({ name: 'note_rec_id', type: 'text', nullable: true }) noteRecId: string | null;
  @Column({ name: 'noted_at', type: 'timestamptz', nullable: true }) notedAt: Date | null;
  @Column({ name: 'follow_up', type: 'text', nullable: true }) followUp: IvantiEnrichmentFollowUp | null;
  @Column({ name: 'follow_up_attempts', type: 'int', default: 0 }) followUpAttempts: number;
  /** The answers obtained after the note, for the follow-up note. */
  @Column({ name: 'follow_up_report', type: 'jsonb', nullable: true }) followUpReport: Record<string, unknown> | null;
  @Column({ name: 'follow_up_note_rec_id', type: 'text', nullable: true }) followUpNoteRecId: string | null;
  /** Runs that tried this incident and failed. */
  @Column({ type: 'int', default: 0 }) failures: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
