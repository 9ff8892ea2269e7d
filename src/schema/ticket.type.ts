import { Field, ID, ObjectType } from 'type-graphql';
import { Priority, TicketStatus } from './enums.js';
import { Node } from './node.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';

@ObjectType({ implements: Node, description: "A ticket's worklog or journal entry" })
export class Worklog implements Node {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) author: string | null;
  @Field(() => String, { nullable: true }) type: string | null;
  @Field() body: string;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType({ implements: Node, description: "An attachment's metadata (the bytes stay at the vendor)" })
export class Attachment implements Node {
  @Field(() => ID) id: string;
  @Field({ description: "The vendor's attachment id" }) externalId: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) contentType: string | null;
  @Field(() => Number, { nullable: true, description: 'Bytes' }) size: number | null;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType({ implements: Node, description: 'A work item in a ticketing system (Secureworks CTP ticket, Ivanti incident)' })
export class Ticket implements Node {
  @Field(() => ID) id: string;
  dbId: string;
  sourceId: string;
  @Field({ description: "The vendor's ticket id" }) externalId: string;
  @Field(() => String, { nullable: true, description: 'Where a person opens it in the vendor console' }) url: string | null;
  @Field() title: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => TicketStatus) status: TicketStatus;
  @Field({ description: 'Status exactly as the vendor says it' }) vendorStatus: string;
  @Field(() => Priority) priority: Priority;
  @Field(() => String, { nullable: true }) ticketType: string | null;
  @Field(() => String, { nullable: true }) groupingType: string | null;
  @Field(() => String, { nullable: true }) closeCode: string | null;
  @Field(() => [String], { description: 'Close codes this ticket accepts (empty when the vendor does not say)' }) closeCodes: string[];
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar) updatedAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) closedAt: Date | null;
  @Field(() => JSONScalar, { description: "The vendor's own fields" }) fields: Record<string, unknown>;
}
