import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field() hasPreviousPage: boolean;
  @Field(() => String, { nullable: true }) startCursor: string | null;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

/** What a paginated query returns before GraphQL shapes it; totalCount is only counted when asked for. */
export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: PromiseLike<number> | number;
}

/** Builds `XConnection` / `XEdge` types for a node type (Relay cursor connections). */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field() cursor: string;
    @Field(() => nodeType) node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [Edge]) edges: Edge[];
    @Field(() => [nodeType], { description: 'The nodes of `edges`, for clients that need no cursors' }) nodes: T[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    // A lazy promise (see paginate.ts): the count query runs only when the field is selected.
    @Field(() => Int, { description: 'Matches of the filter across all pages' }) totalCount: number;
  }
  return ConnectionType;
}
