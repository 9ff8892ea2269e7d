import { Field, ID, ObjectType } from 'type-graphql';
import { IncidentStatus } from './enums.js';
import { Node } from './node.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';

@ObjectType({ implements: Node, description: 'A note on an incident' })
export class IncidentNote implements Node {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true, description: "The vendor's note id" }) externalId: string | null;
  @Field() body: string;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType({ implements: Node, description: 'A case in a response platform (IBM Resilient, Cyware Respond)' })
export class Incident implements Node {
  @Field(() => ID) id: string;
  dbId: string;
  sourceId: string;
  @Field({ description: "The vendor's incident id" }) externalId: string;
  @Field(() => String, { nullable: true }) url: string | null;
  @Field() title: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => IncidentStatus) status: IncidentStatus;
  @Field(() => String, { nullable: true }) severity: string | null;
  @Field(() => String, { nullable: true }) phase: string | null;
  @Field(() => String, { nullable: true }) resolution: string | null;
  @Field(() => String, { nullable: true }) resolutionSummary: string | null;
  @Field(() => JSONScalar) customFields: Record<string, unknown>;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar) updatedAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) closedAt: Date | null;
}
