import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { EnrichmentEntity, JobRunEntity, SyncEventEntity } from '../store/entities/index.js';
import { fromGlobalId, isUuid } from '../domain/global-id.js';
import { Node } from '../schema/node.js';
import { presentEnrichment, presentIncident, presentIndicator, presentJobRun, presentSource, presentSyncEvent, presentTicket } from '../schema/present.js';
import type { GraphContext } from './context.js';
import { badUserInput } from './errors.js';

@Resolver()
export class NodeResolver {
  @MinRole('VIEWER')
  @Query(() => Node, { nullable: true, description: 'Any object by its global id' })
  async node(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string): Promise<Node | null> {
    return fetchNode(ctx, id);
  }

  @MinRole('VIEWER')
  @Query(() => [Node], { nullable: 'items', description: 'Objects by global id, in the order asked (null where none)' })
  async nodes(@Ctx() ctx: GraphContext, @Arg('ids', () => [ID]) ids: string[]): Promise<Array<Node | null>> {
    if (ids.length > 200) throw badUserInput('ids: at most 200 at once', 'ids');
    return Promise.all(ids.map((id) => fetchNode(ctx, id)));
  }
}

async function fetchNode(ctx: GraphContext, id: string): Promise<Node | null> {
  const parsed = fromGlobalId(id);
  if (!parsed) throw badUserInput(`id: '${id}' is not a global id`, 'id');
  const { type, key } = parsed;
  const { loaders } = ctx;
  const { dataSource } = ctx.hub;
  if (type === 'SyncEvent') {
    if (!/^\d{1,19}$/.test(key)) return null;
    const event = await dataSource.getRepository(SyncEventEntity).findOne({ where: { cursor: key } });
    return event ? presentSyncEvent(event) : null;
  }
  if (!isUuid(key)) return null;
  switch (type) {
    case 'Source': {
      const source = await loaders.source.load(key);
      return source ? presentSource(source, ctx.hub.sources.healthOf(source.name)) : null;
    }
    case 'Ticket': {
      const ticket = await loaders.ticket.load(key);
      return ticket ? presentTicket(ticket) : null;
    }
    case 'Incident': {
      const incident = await loaders.incident.load(key);
      return incident ? presentIncident(incident) : null;
    }
    case 'Indicator': {
      const indicator = await loaders.indicator.load(key);
      return indicator ? presentIndicator(indicator) : null;
    }
    case 'Enrichment': {
      const enrichment = await dataSource.getRepository(EnrichmentEntity).findOne({ where: { id: key } });
      return enrichment ? presentEnrichment(enrichment) : null;
    }
    case 'JobRun': {
      const run = await dataSource.getRepository(JobRunEntity).findOne({ where: { id: key } });
      return run ? presentJobRun(run) : null;
    }
    default:
      return null;
  }
}
