import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Relation } from 'typeorm';
import type { SourceEntity } from './source.entity.js';
import type { Priority, TicketStatus } from '../../domain/model.js';

/** A work item mirrored from a ticketing system. (source, external id) makes every sync idempotent. */
@Entity({ name: 'ticket' })
@Unique('uq_ticket_source_external', ['sourceId', 'externalId'])
@Index('ix_ticket_status', ['status'])
@Index('ix_ticket_priority', ['priority'])
@Index('ix_ticket_type_grouping', ['ticketType', 'groupingType'])
@Index('ix_ticket_updated', ['updatedAt'])
@Index('ix_ticket_created', ['createdAt'])
@Index('ix_ticket_external', ['externalId'])
/** Trigram GiST index on the title for `search` (migration 1764430000000; TypeORM cannot describe it). */
@Index('ix_ticket_title_trgm', { synchronize: false })
export class TicketEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'source_id', type: 'uuid' }) sourceId: string;
  @ManyToOne('SourceEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'source_id' }) source?: Relation<SourceEntity>;
  @Column({ name: 'external_id', type: 'text' }) externalId: string;
  @Column({ type: 'text', nullable: true }) url: string | null;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text' }) status: TicketStatus;
  @Column({ name: 'vendor_status', type: 'text' }) vendorStatus: string;
  @Column({ type: 'text' }) priority: Priority;
  @Column({ name: 'ticket_type', type: 'text', nullable: true }) ticketType: string | null;
  @Column({ name: 'grouping_type', type: 'text', nullable: true }) groupingType: string | null;
  @Column({ name: 'close_code', type: 'text', nullable: true }) closeCode: string | null;
  @Column({ name: 'close_codes', type: 'jsonb', nullable: true }) closeCodes: string[] | null;
  @Column({ type: 'text', nullable: true }) version: string | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) fields: Record<string, unknown>;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ name: 'synced_at', type: 'timestamptz', default: () => 'now()' }) syncedAt: Date;
}
