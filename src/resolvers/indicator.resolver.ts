import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { IndicatorEntity } from '../store/entities/index.js';
import { paginate } from '../store/paginate.js';
import { IndicatorConnection } from '../schema/connections.js';
import { IndicatorType } from '../schema/enums.js';
import { IndicatorFilter } from '../schema/filters.js';
import { Enrichment, Indicator, Sighting } from '../schema/indicator.type.js';
import { presentEnrichment, presentIndicator, presentSighting } from '../schema/present.js';
import type { GraphContext } from './context.js';

@Resolver(() => Indicator)
export class IndicatorResolver {
  @MinRole('VIEWER')
  @Query(() => IndicatorConnection, { description: 'Indicators, most recently seen first' })
  async indicators(
    @Ctx() ctx: GraphContext,
    @Arg('filter', () => IndicatorFilter, { nullable: true }) filter?: IndicatorFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const query = ctx.hub.dataSource.getRepository(IndicatorEntity).createQueryBuilder('x');
    if (filter?.types?.length) query.andWhere('x.type IN (:...types)', { types: filter.types });
    if (filter?.verdicts?.length) query.andWhere('x.verdict IN (:...verdicts)', { verdicts: filter.verdicts });
    if (filter?.valuePrefix) query.andWhere('x.value LIKE :prefix', { prefix: `${filter.valuePrefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    if (filter?.seenSince) query.andWhere('x.last_seen_at >= :seenSince', { seenSince: filter.seenSince });
    return paginate(query, { first, after }, {
      sortColumn: 'x.last_seen_at', sortProperty: 'lastSeenAt', keyColumn: 'x.id', keyProperty: 'id', direction: 'DESC', present: presentIndicator,
    });
  }

  @MinRole('VIEWER')
  @Query(() => Indicator, { nullable: true, description: 'An indicator by its value (normalised the way the hub stores it)' })
  async indicator(
    @Ctx() ctx: GraphContext,
    @Arg('value') value: string,
    @Arg('type', () => IndicatorType, { nullable: true }) type?: IndicatorType,
  ): Promise<Indicator | null> {
    const trimmed = value.trim();
    const candidates = [trimmed, trimmed.toLowerCase()];
    const query = ctx.hub.dataSource.getRepository(IndicatorEntity).createQueryBuilder('x').where('x.value IN (:...candidates)', { candidates });
    if (type) query.andWhere('x.type = :type', { type });
    const found = await query.orderBy('x.last_seen_at', 'DESC').getOne();
    return found ? presentIndicator(found) : null;
  }

  @FieldResolver(() => [Enrichment])
  async enrichments(@Root() indicator: Indicator, @Ctx() ctx: GraphContext): Promise<Enrichment[]> {
    return (await ctx.loaders.enrichmentsByIndicator.load(indicator.dbId)).map(presentEnrichment);
  }

  @FieldResolver(() => [Sighting])
  async sightings(@Root() indicator: Indicator, @Ctx() ctx: GraphContext): Promise<Sighting[]> {
    return (await ctx.loaders.sightingsByIndicator.load(indicator.dbId)).map(presentSighting);
  }
}
