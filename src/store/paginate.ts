import { GraphQLError } from 'graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Page } from '../schema/connection.js';

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

interface CursorPayload {
  v: string | number | null;
  id: string;
}

function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): CursorPayload {
  try {
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload;
    if (typeof payload.id !== 'string') throw new Error('no id');
    return payload;
  } catch {
    throw new GraphQLError(`after: '${cursor}' is not a cursor from this connection`, { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
  }
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * Keyset pagination over (sortColumn, key): stable under inserts, an index seek per page whatever the
 * offset. `sortColumn` and `keyColumn` are trusted column expressions (never user input).
 */
export async function paginate<E extends ObjectLiteral, N>(
  query: SelectQueryBuilder<E>,
  args: PageArgs,
  options: {
    sortColumn: string;
    sortProperty: keyof E;
    keyColumn: string;
    keyProperty: keyof E;
    direction: 'ASC' | 'DESC';
    present: (entity: E) => N;
  },
): Promise<Page<N>> {
  const first = args.first ?? DEFAULT_PAGE;
  if (first < 0 || first > MAX_PAGE) {
    throw new GraphQLError(`first: must be between 0 and ${MAX_PAGE}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  }
  const countQuery = query.clone();
  const op = options.direction === 'DESC' ? '<' : '>';
  if (args.after) {
    const cursor = decodeCursor(args.after);
    query.andWhere(`(${options.sortColumn}, ${options.keyColumn}) ${op} (:afterValue, :afterKey)`, { afterValue: cursor.v, afterKey: cursor.id });
  }
  const rows = await query
    .orderBy(options.sortColumn, options.direction)
    .addOrderBy(options.keyColumn, options.direction)
    .take(first + 1)
    .getMany();
  const hasNextPage = rows.length > first;
  const pageRows = rows.slice(0, first);
  const edges = pageRows.map((row) => ({
    cursor: encodeCursor({ v: serialise(row[options.sortProperty]), id: String(row[options.keyProperty]) }),
    node: options.present(row),
  }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: lazily(() => countQuery.getCount()),
  };
}

function serialise(value: unknown): string | number | null {
  if (value instanceof Date) return value.toISOString();
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : String(value);
}

/** The same cursor contract over an already-loaded, already-ordered list (small per-parent lists). */
export function paginateList<E, N>(
  items: E[],
  args: PageArgs,
  options: { sortValue: (e: E) => Date | string | number | null; key: (e: E) => string; present: (e: E) => N },
): Page<N> {
  const first = args.first ?? DEFAULT_PAGE;
  if (first < 0 || first > MAX_PAGE) {
    throw new GraphQLError(`first: must be between 0 and ${MAX_PAGE}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  }
  let start = 0;
  if (args.after) {
    const cursor = decodeCursor(args.after);
    start = items.findIndex((e) => options.key(e) === cursor.id) + 1;
  }
  const slice = items.slice(start, start + first);
  const edges = slice.map((e) => ({ cursor: encodeCursor({ v: serialise(options.sortValue(e)), id: options.key(e) }), node: options.present(e) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: start + first < items.length, hasPreviousPage: start > 0, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
    totalCount: items.length,
  };
}

/**
 * A promise-like that starts its work only when awaited. GraphQL awaits a field's value only when the
 * field is selected, so `totalCount` costs a COUNT query only for clients that ask for it.
 */
function lazily<T>(work: () => Promise<T>): PromiseLike<T> {
  let started: Promise<T> | null = null;
  return {
    then(onFulfilled, onRejected) {
      started ??= work();
      return started.then(onFulfilled, onRejected);
    },
  };
}
