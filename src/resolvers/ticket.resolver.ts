import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { paginate, paginateList } from '../store/paginate.js';
import { TicketConnection, WorklogConnection } from '../schema/connections.js';
import { TicketFilter } from '../schema/filters.js';
import { Incident } from '../schema/incident.type.js';
import { Indicator } from '../schema/indicator.type.js';
import { presentAttachment, presentIncident, presentIndicator, presentSource, presentTicket, presentWorklog } from '../schema/present.js';
import { Source } from '../schema/source.type.js';
import { Attachment, Ticket } from '../schema/ticket.type.js';
import type { GraphContext } from './context.js';
import { TICKET_ORDER, ticketsQuery } from './page-queries.js';

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
    return paginate(ticketsQuery(ctx.hub.dataSource, filter), { first, after }, {
      ...TICKET_ORDER, sortProperty: 'updatedAt', keyProperty: 'id', present: presentTicket,
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
