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
