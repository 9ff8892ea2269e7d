import type { DataSource, Repository } from 'typeorm';
import { In, Not } from 'typeorm';
import { IvantiEnrichmentProgressEntity, type IvantiEnrichmentStep } from './entities/ivanti-enrichment-progress.entity.js';
import type { IvantiIncident } from '../../sources/ivanti-itsm/wire.js';
import type { StixBundle } from '../../stix/bundle.js';
import type { EnrichmentReport } from './enrichment-report.js';

export type ProgressRow = IvantiEnrichmentProgressEntity;

/**
 * The playbook's durable per-incident progress (table ivanti_enrichment_progress). An incident is enqueued before
 * the cursor moves past it; it leaves the queue only at DONE, so a failed one is retried by every later run.
 */
export class EnrichmentProgress {
  private readonly repo: Repository<IvantiEnrichmentProgressEntity>;

  constructor(dataSource: DataSource, private readonly sourceId: string) {
    this.repo = dataSource.getRepository(IvantiEnrichmentProgressEntity);
  }

  /** Adds incidents not seen before (at RETRIEVE). */
  async enqueue(incidents: IvantiIncident[]): Promise<void> {
    if (incidents.length === 0) return;
    await this.repo.createQueryBuilder().insert().values(incidents.map((i) => ({
      sourceId: this.sourceId, incidentRecId: i.RecId, incidentNumber: i.IncidentNumber, incidentCreatedAt: i.CreatedDateTime,
    }))).orIgnore().execute();
  }

  /** Incidents not DONE, oldest first. */
  unfinished(): Promise<ProgressRow[]> {
    return this.repo.find({ where: { sourceId: this.sourceId, step: Not('DONE' as IvantiEnrichmentStep) }, order: { incidentCreatedAt: 'ASC', incidentNumber: 'ASC' } });
  }

  /** Which of these incidents the playbook has already taken (enqueued at some point). */
  async known(recIds: string[]): Promise<Set<string>> {
    if (recIds.length === 0) return new Set();
    const rows = await this.repo.find({ select: { incidentRecId: true }, where: { sourceId: this.sourceId, incidentRecId: In(recIds) } });
    return new Set(rows.map((r) => r.incidentRecId));
  }

  /** Which of these RecIds are incidents the playbook created to record a publication. */
  async recordIncidents(recIds: string[]): Promise<Set<string>> {
    if (recIds.length === 0) return new Set();
    const rows = await this.repo.find({ select: { recordIncidentRecId: true }, where: { recordIncidentRecId: In(recIds) } });
    return new Set(rows.map((r) => r.recordIncidentRecId!));
  }

  async mirrored(row: ProgressRow, ticketId: string): Promise<void> {
    await this.update(row, { ticketId });
  }

  /** The bundle and report, stored before anything is sent. */
  async built(row: ProgressRow, bundle: StixBundle, report: EnrichmentReport): Promise<void> {
    await this.update(row, { step: 'PUBLISH', bundleId: bundle.id, bundle: bundle as unknown as Record<string, unknown>, report: report as unknown as Record<string, unknown> });
  }

  async published(row: ProgressRow): Promise<void> {
    await this.update(row, { step: 'RECORD', publishedAt: new Date() });
  }

  async recorded(row: ProgressRow, recId: string, incidentNumber: number): Promise<void> {
    await this.update(row, { step: 'NOTE', recordIncidentRecId: recId, recordIncidentNumber: incidentNumber });
  }

  /** DONE; with provider gaps, their follow-up starts (later runs ask those providers again). */
  async noted(row: ProgressRow, noteRecId: string, gapsToRetry: boolean): Promise<void> {
    await this.update(row, { step: 'DONE', noteRecId, notedAt: new Date(), lastError: null, followUp: gapsToRetry ? 'ENRICH' : null });
  }

  /**
   * Of these incidents, those DONE since `since`: noted then, or found with nothing to publish then (an incident
   * logged before its details arrive). Not those deleted before they were read.
   */
  async doneSince(recIds: string[], since: Date): Promise<ProgressRow[]> {
    if (recIds.length === 0) return [];
    return this.repo.createQueryBuilder('p')
      .where(`p.source_id = :source AND p.step = :done AND upper(p.incident_rec_id) IN (:...recIds)
        AND ((p.note_rec_id IS NOT NULL AND p.noted_at >= :since) OR (p.note_rec_id IS NULL AND p.report IS NULL AND p.last_error IS NULL AND p.updated_at >= :since))`,
      { source: this.sourceId, done: 'DONE', since, recIds: recIds.map((id) => id.toUpperCase()) })
      .orderBy('p.incident_created_at', 'ASC').getMany();
  }

  /** DONE incidents whose gaps are being followed up, noted before `before` (not in this run). */
  followUpsDue(before: Date): Promise<ProgressRow[]> {
    return this.repo.createQueryBuilder('p')
      .where('p.source_id = :source AND p.step = :done AND p.follow_up IN (:...due) AND p.noted_at < :before', { source: this.sourceId, done: 'DONE', due: ['ENRICH', 'NOTE'], before })
      .orderBy('p.noted_at', 'ASC').getMany();
  }

  /** A follow-up look-up: its answers are kept for the note (NOTE), or it goes on (ENRICH) or gives up. */
  async followedUp(row: ProgressRow, next: 'ENRICH' | 'NOTE' | 'GAVE_UP', report: Record<string, unknown> | null): Promise<void> {
    await this.update(row, { followUp: next, followUpAttempts: row.followUpAttempts + 1, followUpReport: report });
  }

  async followUpNoted(row: ProgressRow, noteRecId: string): Promise<void> {
    await this.update(row, { followUp: 'DONE', followUpNoteRecId: noteRecId, lastError: null });
  }

  /** No indicator in the incident: DONE without publishing or noting. */
  async nothingToPublish(row: ProgressRow): Promise<void> {
    await this.update(row, { step: 'DONE', lastError: null });
  }

  /** The incident disappeared from Ivanti before it was retrieved: DONE, with why. */
  async gone(row: ProgressRow, reason: string): Promise<void> {
    await this.update(row, { step: 'DONE', lastError: reason });
  }

  async failed(row: ProgressRow, error: string): Promise<void> {
    await this.update(row, { failures: row.failures + 1, lastError: error.slice(0, 2000) });
  }

  private async update(row: ProgressRow, changes: Partial<IvantiEnrichmentProgressEntity>): Promise<void> {
    await this.repo.update({ id: row.id }, changes as Parameters<Repository<IvantiEnrichmentProgressEntity>["update"]>[1]);
    Object.assign(row, changes);
  }
}
