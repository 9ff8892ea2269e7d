import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { IncidentEntity } from '../store/entities/index.js';
import { paginate, paginateList } from '../store/paginate.js';
import { IncidentConnection, IncidentNoteConnection } from '../schema/connections.js';
import { IncidentFilter } from '../schema/filters.js';
import { expectGlobalId } from '../domain/global-id.js';
import { Incident } from '../schema/incident.type.js';
import { Indicator } from '../schema/indicator.type.js';
import { presentAttachment, presentIncident, presentIncidentNote, presentIndicator, presentSource, presentTicket } from '../schema/present.js';
import { Source } from '../schema/source.type.js';
import { Attachment, Ticket } from '../schema/ticket.type.js';
import type { GraphContext } from './context.js';
import { escapeLike } from './ticket.resolver.js';

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
    const query = ctx.hub.dataSource.getRepository(IncidentEntity).createQueryBuilder('i');
    if (filter?.sourceIds?.length) query.andWhere('i.source_id IN (:...sourceIds)', { sourceIds: filter.sourceIds.map((id) => expectGlobalId(id, 'Source', 'filter.sourceIds')) });
    if (filter?.vendor) query.andWhere('i.source_id IN (SELECT id FROM source WHERE vendor = :vendor)', { vendor: filter.vendor });
    if (filter?.statuses?.length) query.andWhere('i.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter?.severities?.length) query.andWhere('i.severity IN (:...severities)', { severities: filter.severities });
    if (filter?.externalId) query.andWhere('i.external_id = :externalId', { externalId: filter.externalId });
    if (filter?.search) query.andWhere('i.title ILIKE :search', { search: `%${escapeLike(filter.search)}%` });
    if (filter?.updatedSince) query.andWhere('i.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
    return paginate(query, { first, after }, {
      sortColumn: 'i.updated_at', sortProperty: 'updatedAt', keyColumn: 'i.id', keyProperty: 'id', direction: 'DESC', present: presentIncident,
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
