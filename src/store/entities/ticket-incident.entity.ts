import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { Relation } from 'typeorm';
import type { SourceEntity } from './source.entity.js';
import type { IncidentEntity } from './incident.entity.js';
import type { TicketEntity } from './ticket.entity.js';

/** Links a ticket to the incident it became. One incident per ticket per response platform. */
@Entity({ name: 'ticket_incident' })
@Unique('uq_ticket_incident_platform', ['ticketId', 'incidentSourceId'])
@Index('ix_ticket_incident_incident', ['incidentId'])
export class TicketIncidentEntity {
  @PrimaryColumn({ name: 'ticket_id', type: 'uuid' }) ticketId: string;
  @ManyToOne('TicketEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'ticket_id' }) ticket?: Relation<TicketEntity>;
  @PrimaryColumn({ name: 'incident_id', type: 'uuid' }) incidentId: string;
  @ManyToOne('IncidentEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'incident_id' }) incident?: Relation<IncidentEntity>;
  @Column({ name: 'incident_source_id', type: 'uuid' }) incidentSourceId: string;
  @ManyToOne('SourceEntity', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'incident_source_id' }) incidentSource?: Relation<SourceEntity>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
