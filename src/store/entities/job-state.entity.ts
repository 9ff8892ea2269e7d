import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A job's durable position (its cursor) and its last outcome. */
@Entity({ name: 'job_state' })
export class JobStateEntity {
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ type: 'jsonb', nullable: true }) cursor: Record<string, unknown> | null;
  @Column({ name: 'last_run_id', type: 'uuid', nullable: true }) lastRunId: string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
