import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { IndicatorType, Vendor } from './enums.js';
import { Enrichment, Indicator } from './indicator.type.js';

@ObjectType({ description: 'An indicator found in text (refanged and normalised)' })
export class ExtractedIndicator {
  @Field(() => IndicatorType) type: IndicatorType;
  @Field({ description: 'Normalised value' }) value: string;
}

export enum EnrichmentLookupStatus {
  FETCHED = 'FETCHED',
  CACHED = 'CACHED',
  FAILED = 'FAILED',
  SKIPPED_TLP = 'SKIPPED_TLP',
}
registerEnumType(EnrichmentLookupStatus, {
  name: 'EnrichmentLookupStatus',
  description: 'FETCHED: the provider was called now; CACHED: a fresh stored answer, no call; FAILED: the provider could not answer '
    + '(down, day budget spent) — nothing stored, asked again next time; SKIPPED_TLP: not sent (TLP above the provider\'s maxTlp)',
});

@InputType()
export class EnrichIndicatorsInput {
  @Field(() => [String], { description: 'Indicator values (defanged forms accepted); each is typed like extractIndicators does. At most 100.' })
  values: string[];
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Ignore cached answers (calls are still paced by each provider\'s quota)' })
  force?: boolean | null;
}

@ObjectType({ description: 'How one provider was consulted about one indicator by this call' })
export class EnrichmentLookup {
  @Field(() => ID) indicatorId: string;
  @Field() value: string;
  @Field(() => Vendor) provider: Vendor;
  @Field({ description: 'The configured source name' }) source: string;
  @Field(() => EnrichmentLookupStatus) status: EnrichmentLookupStatus;
  @Field(() => String, { nullable: true, description: 'Why FAILED or SKIPPED_TLP' }) error: string | null;
  @Field(() => Enrichment, { nullable: true, description: 'The stored answer (FETCHED or CACHED)' }) enrichment: Enrichment | null;
}

@ObjectType()
export class EnrichIndicatorsPayload {
  @Field(() => [Indicator], { description: 'The indicators (distinct, in input order) with their aggregated verdict and enrichments' })
  indicators: Indicator[];
  @Field(() => [EnrichmentLookup]) lookups: EnrichmentLookup[];
}
