import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { classifyIndicatorValue } from '../enrichment/classify-value.js';
import { extractIndicators } from '../indicators/extract.js';
import { IndicatorType } from '../schema/enums.js';
import { EnrichIndicatorsInput, EnrichIndicatorsPayload, EnrichmentLookup, EnrichmentLookupStatus, ExtractedIndicator } from '../schema/enrichment-engine.type.js';
import { toGlobalId } from '../domain/global-id.js';
import { presentEnrichment, presentIndicator } from '../schema/present.js';
import { EnrichmentEntity, IndicatorEntity } from '../store/entities/index.js';
import type { GraphContext } from './context.js';
import { badUserInput } from './errors.js';

/** Values one enrichIndicators call may carry (each may wait on a provider's quota). */
const MAX_VALUES = 100;
/** Text extractIndicators reads at most (bytes of UTF-16 code units). */
const MAX_TEXT = 5_000_000;

@Resolver()
export class EnrichmentEngineResolver {
  @MinRole('VIEWER')
  @Query(() => [ExtractedIndicator], { description: 'Indicators in a text: IPs (public), URLs, domains, e-mail addresses, hashes; defanged forms refanged; normalised, de-duplicated' })
  extractIndicators(@Arg('text', () => String) text: string): ExtractedIndicator[] {
    if (text.length > MAX_TEXT) throw badUserInput(`text is longer than ${MAX_TEXT} characters`, 'text');
    return extractIndicators(text)
      .filter((i) => i.type !== 'CVE')
      .map((i) => Object.assign(new ExtractedIndicator(), { type: i.type as IndicatorType, value: i.value }));
  }

  @MinRole('OPERATOR')
  @Mutation(() => EnrichIndicatorsPayload, { description: 'Enriches indicators now through every applicable provider (cache, quota and TLP:CLEAR rules apply)' })
  async enrichIndicators(@Ctx() ctx: GraphContext, @Arg('input', () => EnrichIndicatorsInput) input: EnrichIndicatorsInput): Promise<EnrichIndicatorsPayload> {
    if (input.values.length === 0) throw badUserInput('input.values is empty', 'input.values');
    if (input.values.length > MAX_VALUES) throw badUserInput(`input.values has ${input.values.length} values; at most ${MAX_VALUES} per call`, 'input.values');
    const indicators = input.values.map((value) => {
      const classified = classifyIndicatorValue(value);
      if (!classified.ok) throw badUserInput(`'${value.length > 200 ? `${value.slice(0, 200)}…` : value}' ${classified.reason}`, 'input.values');
      return classified.indicator;
    });
    const outcomes = await ctx.hub.enrichment.enrich({ indicators, force: input.force ?? false });
    const ids = outcomes.map((o) => o.indicatorId);
    const enrichmentIds = outcomes.flatMap((o) => o.providers.map((p) => p.enrichmentId)).filter((id): id is string => id !== null);
    const [rows, answers] = await Promise.all([
      ctx.hub.dataSource.getRepository(IndicatorEntity).createQueryBuilder('x').where('x.id IN (:...ids)', { ids }).getMany(),
      enrichmentIds.length
        ? ctx.hub.dataSource.getRepository(EnrichmentEntity).createQueryBuilder('e').where('e.id IN (:...enrichmentIds)', { enrichmentIds }).getMany()
        : Promise.resolve([]),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const answerById = new Map(answers.map((a) => [a.id, a]));
    return Object.assign(new EnrichIndicatorsPayload(), {
      indicators: ids.map((id) => presentIndicator(byId.get(id)!)),
      lookups: outcomes.flatMap((o) => o.providers.map((p) => {
        const answer = p.enrichmentId ? answerById.get(p.enrichmentId) : undefined;
        return Object.assign(new EnrichmentLookup(), {
          indicatorId: toGlobalId('Indicator', o.indicatorId), value: o.value, provider: p.provider, source: p.source,
          status: p.status as EnrichmentLookupStatus, error: p.error, enrichment: answer ? presentEnrichment(answer) : null,
        });
      })),
    });
  }
}
