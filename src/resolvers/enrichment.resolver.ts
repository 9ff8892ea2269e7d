import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Enrichment, Indicator } from '../schema/indicator.type.js';
import { presentIndicator } from '../schema/present.js';
import type { GraphContext } from './context.js';

@Resolver(() => Enrichment)
export class EnrichmentResolver {
  @FieldResolver(() => Indicator)
  async indicator(@Root() enrichment: Enrichment, @Ctx() ctx: GraphContext): Promise<Indicator> {
    return presentIndicator((await ctx.loaders.indicator.load(enrichment.indicatorId))!);
  }
}
