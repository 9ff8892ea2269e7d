import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import type { IncidentEntity } from './incident.entity.js';
import type { TicketEntity } from './ticket.entity.js';

/** An attachment's metadata on a ticket or an incident (exactly one owner). Bytes stay at the vendor. */
@Entity({ name: 'attachment' })
@Index('uq_attachment_ticket', ['ticketId', 'externalId'], { unique: true, where: 'ticket_id IS NOT NULL' })
@Index('uq_attachment_incident', ['incidentId', 'externalId'], { unique: true, where: 'incident_id IS NOT NULL' })
export class AttachmentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'ticket_id', type: 'uuid', nullable: true }) ticketId: string | null;
  @ManyToOne('TicketEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'ticket_id' }) ticket?: Relation<TicketEntity>;
  @Column({ name: 'incident_id', type: 'uuid', nullable: true }) incidentId: string | null;
  @ManyToOne('IncidentEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'incident_id' }) incident?: Relation<IncidentEntity>;
  @Column({ name: 'external_id', type: 'text' }) externalId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'content_type', type: 'text', nullable: true }) contentType: string | null;
  @Column({ type: 'int', nullable: true }) size: number | null;
  /** For an incident attachment copied from a ticket: the ticket attachment it came from. */
  @Column({ name: 'origin_key', type: 'text', nullable: true }) originKey: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
