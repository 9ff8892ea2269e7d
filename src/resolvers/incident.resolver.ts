import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { paginate, paginateList } from '../store/paginate.js';
import { IncidentConnection, IncidentNoteConnection } from '../schema/connections.js';
import { IncidentFilter } from '../schema/filters.js';
import { Incident } from '../schema/incident.type.js';
import { Indicator } from '../schema/indicator.type.js';
import { presentAttachment, presentIncident, presentIncidentNote, presentIndicator, presentSource, presentTicket } from '../schema/present.js';
import { Source } from '../schema/source.type.js';
import { Attachment, Ticket } from '../schema/ticket.type.js';
import type { GraphContext } from './context.js';
import { INCIDENT_ORDER, incidentsQuery } from './page-queries.js';

@Resolver(() => Incident)
export class IncidentResolver {
  @MinRole('VIEWER')
  @Query(() => IncidentConnection, { description: 'Incidents from every response platform, most recently updated first' })
  async incidents(
    @Ctx() ctx: GraphContext,
    @Arg('filter', () => IncidentFilter, { nullable: true }) filter?: IncidentFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return paginate(incidentsQuery(ctx.hub.dataSource, filter), { first, after }, {
      ...INCIDENT_ORDER, sortProperty: 'updatedAt', keyProperty: 'id', present: presentIncident,
    });
  }

  @FieldResolver(() => Source)
  async source(@Root() incident: Incident, @Ctx() ctx: GraphContext): Promise<Source> {
    const entity = ctx.hub.sources.byId(incident.sourceId)?.entity ?? await ctx.loaders.source.load(incident.sourceId);
    return presentSource(entity!, ctx.hub.sources.healthOf(entity!.name));
  }

  @FieldResolver(() => IncidentNoteConnection, { description: 'Oldest first' })
  async notes(
    @Root() incident: Incident,
    @Ctx() ctx: GraphContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const rows = await ctx.loaders.notesByIncident.load(incident.dbId);
    return paginateList(rows, { first, after }, { sortValue: (n) => n.createdAt, key: (n) => n.id, present: presentIncidentNote });
  }

  @FieldResolver(() => [Attachment])
  async attachments(@Root() incident: Incident, @Ctx() ctx: GraphContext): Promise<Attachment[]> {
    return (await ctx.loaders.attachmentsByIncident.load(incident.dbId)).map(presentAttachment);
  }

  @FieldResolver(() => [Ticket], { description: 'Tickets this incident was made from' })
  async tickets(@Root() incident: Incident, @Ctx() ctx: GraphContext): Promise<Ticket[]> {
    return (await ctx.loaders.ticketsByIncident.load(incident.dbId)).map(presentTicket);
  }

  @FieldResolver(() => [Indicator])
  async indicators(@Root() incident: Incident, @Ctx() ctx: GraphContext): Promise<Indicator[]> {
    return (await ctx.loaders.indicatorsByIncident.load(incident.dbId)).map(presentIndicator);
  }
}
