import { Field, ID, ObjectType } from 'type-graphql';
import { SyncEventKind, Vendor } from './enums.js';
import { Node } from './node.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';

@ObjectType({ implements: Node, description: 'An entry of the durable sync event log' })
export class SyncEvent implements Node {
  @Field(() => ID) id: string;
  @Field(() => SyncEventKind) kind: SyncEventKind;
  @Field(() => DateTimeScalar) at: Date;
  @Field(() => Vendor, { nullable: true }) vendor: Vendor | null;
  @Field(() => ID, { nullable: true, description: 'Global id of what the event is about' }) subjectId: string | null;
  @Field() message: string;
  @Field(() => JSONScalar) details: Record<string, unknown>;
  @Field({ description: 'Monotonically increasing position in the log; pass it as `after` to resume' }) cursor: string;
}
