import { Field, ID, Int, ObjectType } from 'type-graphql';
import { HealthStatus, Vendor } from './enums.js';
import { Node } from './node.js';
import { DateTimeScalar } from './scalars.js';

@ObjectType({ description: "A source's health, from the outcomes of its recent vendor calls" })
export class SourceHealth {
  @Field(() => HealthStatus) status: HealthStatus;
  @Field(() => DateTimeScalar, { nullable: true }) lastSuccessAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastErrorAt: Date | null;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field(() => Int) consecutiveFailures: number;
}

@ObjectType({ description: "Calls spent in one quota window of a source (an enrichment provider's quota or the source's rateLimit)" })
export class QuotaWindowUse {
  @Field({ description: "PROVIDER: the provider's own quota (settings.quota); RATE_LIMIT: the source's configured rateLimit" }) kind: string;
  @Field({ description: 'MINUTE, HOUR or DAY' }) window: string;
  @Field(() => Int) limit: number;
  @Field(() => Int, { description: 'Calls counted against the window now (in flight, or ended within it)' }) used: number;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Calls wait until then (a 429 from the provider)' }) blockedUntil: Date | null;
}

@ObjectType({ implements: Node, description: 'One configured vendor connection. Never carries a secret.' })
export class Source implements Node {
  @Field(() => ID) id: string;
  dbId: string;
  @Field(() => Vendor) vendor: Vendor;
  @Field() name: string;
  @Field() baseUrl: string;
  @Field() enabled: boolean;
  @Field({ description: 'Points at a local sandbox, not the real vendor' }) sandbox: boolean;
  @Field(() => Int, { description: 'Seconds between polls of this source (0 = off)' }) pollIntervalSeconds: number;
  @Field(() => SourceHealth) health: SourceHealth;
}
