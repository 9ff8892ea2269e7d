import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { TicketEntity } from '../store/entities/index.js';
import { paginate, paginateList } from '../store/paginate.js';
import { TicketConnection, WorklogConnection } from '../schema/connections.js';
import { TicketFilter } from '../schema/filters.js';
import { expectGlobalId } from '../domain/global-id.js';
import { Incident } from '../schema/incident.type.js';
import { Indicator } from '../schema/indicator.type.js';
import { presentAttachment, presentIncident, presentIndicator, presentSource, presentTicket, presentWorklog } from '../schema/present.js';
import { Source } from '../schema/source.type.js';
import { Attachment, Ticket } from '../schema/ticket.type.js';
import type { GraphContext } from './context.js';

@Resolver(() => Ticket)
export class TicketResolver {
  @MinRole('VIEWER')
  @Query(() => TicketConnection, { description: 'Tickets from every ticketing source, most recently updated first' })
  async tickets(
    @Ctx() ctx: GraphContext,
    @Arg('filter', () => TicketFilter, { nullable: true }) filter?: TicketFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const query = ctx.hub.dataSource.getRepository(TicketEntity).createQueryBuilder('t');
    if (filter?.sourceIds?.length) query.andWhere('t.source_id IN (:...sourceIds)', { sourceIds: filter.sourceIds.map((id) => expectGlobalId(id, 'Source', 'filter.sourceIds')) });
    if (filter?.vendor) query.andWhere('t.source_id IN (SELECT id FROM source WHERE vendor = :vendor)', { vendor: filter.vendor });
    if (filter?.statuses?.length) query.andWhere('t.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter?.priorities?.length) query.andWhere('t.priority IN (:...priorities)', { priorities: filter.priorities });
    if (filter?.ticketType) query.andWhere('t.ticket_type = :ticketType', { ticketType: filter.ticketType });
    if (filter?.groupingType) query.andWhere('t.grouping_type = :groupingType', { groupingType: filter.groupingType });
    if (filter?.externalId) query.andWhere('t.external_id = :externalId', { externalId: filter.externalId });
    if (filter?.search) query.andWhere('t.title ILIKE :search', { search: `%${escapeLike(filter.search)}%` });
    if (filter?.updatedSince) query.andWhere('t.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
    return paginate(query, { first, after }, {
      sortColumn: 't.updated_at', sortProperty: 'updatedAt', keyColumn: 't.id', keyProperty: 'id', direction: 'DESC', present: presentTicket,
    });
  }

  @FieldResolver(() => Source)
  async source(@Root() ticket: Ticket, @Ctx() ctx: GraphContext): Promise<Source> {
    const entity = ctx.hub.sources.byId(ticket.sourceId)?.entity ?? await ctx.loaders.source.load(ticket.sourceId);
    return presentSource(entity!, ctx.hub.sources.healthOf(entity!.name));
  }

  @FieldResolver(() => WorklogConnection, { description: 'Oldest first' })
  async worklogs(
    @Root() ticket: Ticket,
    @Ctx() ctx: GraphContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const rows = await ctx.loaders.worklogsByTicket.load(ticket.dbId);
    return paginateList(rows, { first, after }, { sortValue: (w) => w.createdAt, key: (w) => w.id, present: presentWorklog });
  }

  @FieldResolver(() => [Attachment])
  async attachments(@Root() ticket: Ticket, @Ctx() ctx: GraphContext): Promise<Attachment[]> {
    return (await ctx.loaders.attachmentsByTicket.load(ticket.dbId)).map(presentAttachment);
  }

  @FieldResolver(() => [Incident], { description: 'Incidents this ticket became' })
  async incidents(@Root() ticket: Ticket, @Ctx() ctx: GraphContext): Promise<Incident[]> {
    return (await ctx.loaders.incidentsByTicket.load(ticket.dbId)).map(presentIncident);
  }

  @FieldResolver(() => [Indicator], { description: 'Indicators seen in this ticket' })
  async indicators(@Root() ticket: Ticket, @Ctx() ctx: GraphContext): Promise<Indicator[]> {
    return (await ctx.loaders.indicatorsByTicket.load(ticket.dbId)).map(presentIndicator);
  }
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
