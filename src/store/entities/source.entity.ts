import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Vendor } from '../../domain/vendor.js';
import type { HealthStatus } from '../../sources/health/source-health.js';

/** A configured vendor connection, as the graph shows it. Its secrets live only in config/env, never here. */
@Entity({ name: 'source' })
export class SourceEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', unique: true }) name: string;
  @Column({ type: 'text' }) vendor: Vendor;
  @Column({ name: 'base_url', type: 'text' }) baseUrl: string;
  @Column({ type: 'boolean' }) enabled: boolean;
  @Column({ type: 'boolean' }) sandbox: boolean;
  /** Seconds between polls of this source's job (0 = off); config sets it, an ADMIN may change it. */
  @Column({ name: 'poll_interval_seconds', type: 'int', default: 0 }) pollIntervalSeconds: number;
  @Column({ name: 'health_status', type: 'text', default: 'UNKNOWN' }) healthStatus: HealthStatus;
  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true }) lastSuccessAt: Date | null;
  @Column({ name: 'last_error_at', type: 'timestamptz', nullable: true }) lastErrorAt: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'consecutive_failures', type: 'int', default: 0 }) consecutiveFailures: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
