import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/** PUBLISH (send the stored bundle to CTIX), NOTE (the journal note on the incident), DONE. */
export type IvantiEnrichmentAddendumStep = 'PUBLISH' | 'NOTE' | 'DONE';

/**
 * Indicators found in an Ivanti incident's notes or attachments added after its enrichment note: enriched,
 * published as a bundle of their own and written back in one more journal note. Keyed by the incident and the
 * set of new indicators, so a retry or a restart resumes this addendum instead of making a second one.
 */
@Entity({ name: 'ivanti_enrichment_addendum' })
@Unique('uq_ivanti_enrichment_addendum', ['progressId', 'indicatorsKey'])
export class IvantiEnrichmentAddendumEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_ivanti_enrichment_addendum' }) id: string;
  /** The incident's row in ivanti_enrichment_progress. */
  @Column({ name: 'progress_id', type: 'uuid' }) progressId: string;
  /** sha256 of the new indicators (`TYPE value`, sorted). */
  @Column({ name: 'indicators_key', type: 'text' }) indicatorsKey: string;
  @Column({ type: 'text', default: 'PUBLISH' }) step: IvantiEnrichmentAddendumStep;
  /** The STIX bundle exactly as (to be) sent. */
  @Column({ type: 'jsonb' }) bundle: Record<string, unknown>;
  /** What the note says: the new indicators with their providers' answers. */
  @Column({ type: 'jsonb' }) report: Record<string, unknown>;
  @Column({ name: 'note_rec_id', type: 'text', nullable: true }) noteRecId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
