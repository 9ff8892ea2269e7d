import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './enums.js';
import { Node } from './node.js';
import { DateTimeScalar } from './scalars.js';

@ObjectType({ implements: Node, description: 'An API token (the secret itself is shown only once, at creation)' })
export class ApiToken implements Node {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => Role) role: Role;
  @Field({ description: 'First characters of the token, to tell tokens apart' }) prefix: string;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) lastUsedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the token stops working; null: never' }) expiresAt: Date | null;
}

@ObjectType()
export class CreatedApiToken {
  @Field({ description: 'The token. Store it now: it is not shown again.' }) token: string;
  @Field(() => ApiToken) apiToken: ApiToken;
}

@ObjectType({ description: 'Who is calling' })
export class Viewer {
  @Field() name: string;
  @Field(() => Role) role: Role;
}
