import { DomainError } from '../../domain/errors.js';
import { VendorError } from '../../sources/http/vendor-error.js';
import type { ListEnvelope } from '../../sources/cyware-ctix/wire.js';

/**
 * CTIX pages by `page`/`page_size`; our connections page by opaque cursors. A cursor holds the offset of its
 * item in CTIX's order, so `first: n, after: c` is the window [offset(c) + 1, offset(c) + n]: one CTIX page of
 * size n when the window is aligned (always, when a client keeps the same `first`), two otherwise. The data is
 * live: objects CTIX adds meanwhile shift later windows, as on CTIX's own pages.
 */

export const DEFAULT_WINDOW = 20;
/** CTIX documents 100 as the largest page on most lists. */
export const MAX_WINDOW = 100;

export interface WindowArgs {
  first?: number | null;
  after?: string | null;
}

export interface Window<T> {
  items: Array<{ cursor: string; item: T }>;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  total: number;
}

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`ctix:${offset}`, 'utf8').toString('base64url');
}

export function decodeOffsetCursor(cursor: string): number {
  const match = /^ctix:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new DomainError(`after: '${cursor}' is not a cursor from this connection`, { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
  return Number(match[1]);
}

/** Reads the window through `fetchPage(page, pageSize)` (1-based pages). A page past the end (CTIX: 404) is empty. */
export async function ctixWindow<T>(args: WindowArgs, fetchPage: (page: number, pageSize: number) => Promise<ListEnvelope<T>>): Promise<Window<T>> {
  const first = args.first ?? DEFAULT_WINDOW;
  if (!Number.isInteger(first) || first < 1 || first > MAX_WINDOW) {
    throw new DomainError(`first: must be between 1 and ${MAX_WINDOW}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  }
  const start = args.after ? decodeOffsetCursor(args.after) + 1 : 0;
  const page = Math.floor(start / first) + 1;
  const skip = start % first;
  const one = await pageOrEmpty(fetchPage, page, first);
  const items = one.results.slice(skip);
  let last = one;
  if (skip > 0 && one.next) {
    last = await pageOrEmpty(fetchPage, page + 1, first);
    items.push(...last.results.slice(0, skip));
  }
  const total = one.total ?? start + items.length + (last.next ? 1 : 0);
  return {
    items: items.map((item, index) => ({ cursor: encodeOffsetCursor(start + index), item })),
    hasNextPage: one.total !== undefined ? start + items.length < one.total : Boolean(last.next),
    hasPreviousPage: start > 0,
    total,
  };
}

async function pageOrEmpty<T>(fetchPage: (page: number, pageSize: number) => Promise<ListEnvelope<T>>, page: number, pageSize: number): Promise<ListEnvelope<T>> {
  try {
    return await fetchPage(page, pageSize);
  } catch (error) {
    // DRF answers a page past the end with 404 "Invalid page."
    if (error instanceof VendorError && error.code === 'UPSTREAM_NOT_FOUND' && page > 1) return { results: [], next: null };
    throw error;
  }
}
