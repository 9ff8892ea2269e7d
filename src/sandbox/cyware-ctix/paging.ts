import type { Request } from 'express';

/** CTIX's list envelope: `page`/`page_size` in, relative `next`/`previous` links out. */

const DEFAULT_PAGE_SIZE = 10;
/** Docs say 100 on most lists, but Cyware's own clients use 1000, so the sandbox accepts up to that. */
const MAX_PAGE_SIZE = 1000;
const AUTH_PARAMS = new Set(['AccessID', 'Expires', 'Signature']);

export type PageOutcome =
  | { status: 200; body: { next: string | null; previous: string | null; page_size: number; total: number; results: unknown[] } }
  | { status: 404; body: { detail: string } };

/**
 * One page of `items`, rendered with `render`. Links are relative to the API root (`relativePath` has no
 * leading slash) and keep the request's other query parameters, never the auth ones. A page past the end is
 * a 404 "Invalid page." as in Django REST framework.
 */
export function paginate<T>(items: T[], req: Request, relativePath: string, render: (item: T, index: number) => unknown): PageOutcome {
  const page = positiveInt(req.query.page) ?? 1;
  const pageSize = Math.min(positiveInt(req.query.page_size) ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  if (page > pages) return { status: 404, body: { detail: 'Invalid page.' } };
  const start = (page - 1) * pageSize;
  const link = (target: number): string => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query)) {
      if (!AUTH_PARAMS.has(key) && key !== 'page' && key !== 'page_size' && typeof value === 'string') params.set(key, value);
    }
    params.set('page', String(target));
    params.set('page_size', String(pageSize));
    return `${relativePath}?${params}`;
  };
  return {
    status: 200,
    body: {
      next: page < pages ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      page_size: pageSize,
      total: items.length,
      results: items.slice(start, start + pageSize).map((item, i) => render(item, start + i)),
    },
  };
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}
