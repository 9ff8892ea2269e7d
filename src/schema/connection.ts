import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { PageInfo as PageInfoData } from '../domain/page.js';

export type { Page } from '../domain/page.js';

@ObjectType()
export class PageInfo implements PageInfoData {
  @Field() hasNextPage: boolean;
  @Field() hasPreviousPage: boolean;
  @Field(() => String, { nullable: true }) startCursor: string | null;
  @Field(() => String, { nullable: true }) endCursor: string | null;
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
