import { DomainError } from '../domain/errors.js';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { poolOf } from '../db/data-source.js';
import type { Page, PageInfo } from '../domain/page.js';

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
    throw new DomainError(`after: '${cursor}' is not a cursor from this connection`, { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
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
export interface KeysetOptions {
  sortColumn: string;
  keyColumn: string;
  direction: 'ASC' | 'DESC';
}

/**
 * The page's query: rows after the cursor in (sort, key) order, first + 1 of them (the extra row says whether there is a
 * next page). Throws BAD_USER_INPUT for a `first` out of range or a cursor not made here. Shared by `paginate` and the
 * compiled read path (src/reads), so both select the same rows.
 */
export function keysetPage<E extends ObjectLiteral>(query: SelectQueryBuilder<E>, args: PageArgs, options: KeysetOptions): { query: SelectQueryBuilder<E>; first: number } {
  const first = args.first ?? DEFAULT_PAGE;
  if (first < 0 || first > MAX_PAGE) {
    throw new DomainError(`first: must be between 0 and ${MAX_PAGE}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  }
  const op = options.direction === 'DESC' ? '<' : '>';
  if (args.after) {
    const cursor = decodeCursor(args.after);
    query.andWhere(`(${options.sortColumn}, ${options.keyColumn}) ${op} (:afterValue, :afterKey)`, { afterValue: cursor.v, afterKey: cursor.id });
  }
  query.orderBy(options.sortColumn, options.direction).addOrderBy(options.keyColumn, options.direction).take(first + 1);
  return { query, first };
}

/** A row's cursor: its sort value and key. */
export function cursorFor(sortValue: unknown, key: unknown): string {
  return encodeCursor({ v: serialise(sortValue), id: String(key) });
}

export async function paginate<E extends ObjectLiteral, N>(
  query: SelectQueryBuilder<E>,
  args: PageArgs,
  options: KeysetOptions & {
    sortProperty: keyof E;
    keyProperty: keyof E;
    present: (entity: E) => N;
  },
): Promise<Page<N>> {
  const countQuery = query.clone();
  const { first } = keysetPage(query, args, options);
  const rows = await plainRows(query);
  const hasNextPage = rows.length > first;
  if (hasNextPage) rows.length = first;
  const cursorOf = (row: E) => cursorFor(row[options.sortProperty], row[options.keyProperty]);
  return new LazyPage(rows, options.present, cursorOf, hasNextPage, Boolean(args.after), lazily(() => countQuery.getCount()));
}

/**
 * The query's rows as plain objects keyed by the entity's property names, straight from the pg pool: the same values
 * TypeORM's getMany() gives for these column types (pg parses timestamptz and jsonb), without its query runner and
 * entity hydration.
 */
async function plainRows<E extends ObjectLiteral>(query: SelectQueryBuilder<E>): Promise<E[]> {
  const [sql, parameters] = query.getQueryAndParameters();
  const alias = query.expressionMap.mainAlias!;
  const columns = alias.metadata.columns.map((c) => [`${alias.name}_${c.databaseName}`, c.propertyName] as const);
  const { rows } = await poolOf(query.connection).query(sql, parameters);
  return rows.map((raw: Record<string, unknown>) => {
    const row: Record<string, unknown> = {};
    for (const [from, to] of columns) row[to] = raw[from];
    return row as E;
  });
}

/**
 * A page whose edges, cursors and presented nodes are made only when GraphQL reads them: a dashboard asking for
 * `nodes` pays for no cursor (JSON + base64 per row), one asking for `edges` shares the nodes.
 */
class LazyPage<E, N> implements Page<N> {
  #nodes: N[] | undefined;
  #edges: Array<{ cursor: string; node: N }> | undefined;

  constructor(
    private readonly rows: E[],
    private readonly present: (row: E) => N,
    private readonly cursorOf: (row: E) => string,
    private readonly hasNextPage: boolean,
    private readonly hasPreviousPage: boolean,
    readonly totalCount: PromiseLike<number> | number,
  ) {}

  get nodes(): N[] {
    return (this.#nodes ??= this.rows.map(this.present));
  }

  get edges(): Array<{ cursor: string; node: N }> {
    if (!this.#edges) {
      const nodes = this.nodes;
      this.#edges = this.rows.map((row, i) => ({ cursor: this.cursorOf(row), node: nodes[i]! }));
    }
    return this.#edges;
  }

  get pageInfo(): PageInfo {
    const { rows } = this;
    return {
      hasNextPage: this.hasNextPage,
      hasPreviousPage: this.hasPreviousPage,
      startCursor: rows.length > 0 ? this.cursorOf(rows[0]!) : null,
      endCursor: rows.length > 0 ? this.cursorOf(rows[rows.length - 1]!) : null,
    };
  }
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
    throw new DomainError(`first: must be between 0 and ${MAX_PAGE}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  }
  let start = 0;
  if (args.after) {
    const cursor = decodeCursor(args.after);
    start = items.findIndex((e) => options.key(e) === cursor.id) + 1;
  }
  const slice = items.slice(start, start + first);
  const cursorOf = (e: E) => cursorFor(options.sortValue(e), options.key(e));
  return new LazyPage(slice, options.present, cursorOf, start + first < items.length, start > 0, items.length);
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
