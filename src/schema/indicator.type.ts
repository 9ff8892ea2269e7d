import { Field, ID, Int, ObjectType } from 'type-graphql';
import { IndicatorType, SightingSubjectType, Vendor, Verdict } from './enums.js';
import { Node } from './node.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';

@ObjectType({ implements: Node, description: 'An indicator of compromise, unique by type and normalised value' })
export class Indicator implements Node {
  @Field(() => ID) id: string;
  dbId: string;
  @Field(() => IndicatorType) type: IndicatorType;
  @Field({ description: 'Normalised value' }) value: string;
  @Field(() => Verdict, { description: 'Aggregated over its enrichments' }) verdict: Verdict;
  @Field(() => Int, { nullable: true, description: '0–100, aggregated over its enrichments' }) score: number | null;
  @Field(() => DateTimeScalar) firstSeenAt: Date;
  @Field(() => DateTimeScalar) lastSeenAt: Date;
}

@ObjectType({ implements: Node, description: "One provider's answer about an indicator" })
export class Enrichment implements Node {
  @Field(() => ID) id: string;
  indicatorId: string;
  @Field(() => Vendor) provider: Vendor;
  @Field(() => Verdict) verdict: Verdict;
  @Field(() => Int, { nullable: true }) score: number | null;
  @Field() summary: string;
  @Field(() => JSONScalar) details: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: "The provider's page for the indicator" }) link: string | null;
  @Field({ description: 'The provider has no record of the indicator (verdict UNKNOWN; cached for a shorter time)' }) notFound: boolean;
  @Field(() => String, { nullable: true, description: 'The configured source that answered' }) source: string | null;
  @Field(() => DateTimeScalar) fetchedAt: Date;
  @Field(() => DateTimeScalar) expiresAt: Date;
}

@ObjectType({ description: 'Where an indicator was seen' })
export class Sighting {
  @Field(() => SightingSubjectType) subjectType: SightingSubjectType;
  @Field(() => ID, { description: 'Global id of the ticket or incident; the vendor id of a threat data object' }) subjectId: string;
  @Field(() => DateTimeScalar) firstSeenAt: Date;
  @Field(() => DateTimeScalar) lastSeenAt: Date;
}
