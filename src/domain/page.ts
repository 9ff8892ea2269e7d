/** Where a page sits in its list (the GraphQL `PageInfo`). */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** What a paginated query returns before GraphQL shapes it; totalCount is only counted when asked for. */
export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: PromiseLike<number> | number;
}
