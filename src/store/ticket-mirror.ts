import type { EntityManager } from 'typeorm';
import type { TicketData } from '../domain/model.js';
import { AttachmentEntity, TicketEntity, WorklogEntity } from './entities/index.js';

export interface MirroredTicket {
  ticket: TicketEntity;
  created: boolean;
  /** The vendor's version differs from the one stored (or the ticket is new). */
  changed: boolean;
}

/**
 * Stores a vendor ticket with its worklogs and attachment metadata, idempotently: keyed by (source,
 * external id), worklogs by their vendor key, attachments by vendor id. Run it inside a transaction.
 */
export async function mirrorTicket(manager: EntityManager, sourceId: string, data: TicketData): Promise<MirroredTicket> {
  const tickets = manager.getRepository(TicketEntity);
  const existing = await tickets.findOne({ where: { sourceId, externalId: data.externalId }, lock: { mode: 'pessimistic_write' } });
  const { worklogs, attachments, ...fields } = data;
  const ticket = await tickets.save(Object.assign(existing ?? tickets.create({ sourceId }), {
    ...fields,
    // Keep what we learnt about close codes when a later read does not carry them.
    closeCodes: fields.closeCodes ?? existing?.closeCodes ?? null,
    syncedAt: new Date(),
  }));
  if (worklogs.length > 0) {
    await manager.createQueryBuilder().insert().into(WorklogEntity)
      .values(worklogs.map((w) => ({ ticketId: ticket.id, externalKey: w.externalKey, author: w.author, type: w.type, body: w.body, createdAt: w.createdAt })))
      .orIgnore()
      .execute();
  }
  if (attachments.length > 0) {
    await manager.createQueryBuilder().insert().into(AttachmentEntity)
      .values(attachments.map((a) => ({ ticketId: ticket.id, externalId: a.externalId, name: a.name, contentType: a.contentType ?? null, size: a.size ?? null })))
      .orIgnore()
      .execute();
  }
  return { ticket, created: !existing, changed: !existing || existing.version !== data.version };
}
