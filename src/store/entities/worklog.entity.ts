import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Relation } from 'typeorm';
import type { TicketEntity } from './ticket.entity.js';

/** A ticket's worklog / journal entry; its vendor identity is unique per ticket. */
@Entity({ name: 'worklog' })
@Unique('uq_worklog_ticket_key', ['ticketId', 'externalKey'])
@Index('ix_worklog_ticket_created', ['ticketId', 'createdAt'])
export class WorklogEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'ticket_id', type: 'uuid' }) ticketId: string;
  @ManyToOne('TicketEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'ticket_id' }) ticket?: Relation<TicketEntity>;
  @Column({ name: 'external_key', type: 'text' }) externalKey: string;
  @Column({ type: 'text', nullable: true }) author: string | null;
  @Column({ type: 'text', nullable: true }) type: string | null;
  @Column({ type: 'text' }) body: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
