import { z } from 'zod';

/**
 * A provider answer that knows little: every field a client cannot strictly rely on comes back `null`, is left
 * out, or (`null-leaves`) keeps its objects and lists, every field of the objects in them `null`. Providers do answer
 * like this for objects they know little about (VirusTotal's `as_owner: null` for a fresh IP, notes §3.3).
 */
export const sparseMode = z.enum(['null', 'absent', 'null-leaves']);
export type SparseMode = z.infer<typeof sparseMode>;

/** `body` with every top-level field except those in `keep` made sparse. */
export function sparsen(body: Record<string, unknown>, mode: SparseMode, keep: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (keep.includes(field)) out[field] = value;
    else if (mode === 'null') out[field] = null;
    else if (mode === 'null-leaves') out[field] = nullLeaves(value);
  }
  return out;
}

/** Every field of an object (and of the objects in its arrays) null; a list of plain values stays as it is. */
function nullLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (isObject(item) ? nullLeaves(item) : item));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) || isObject(v) ? nullLeaves(v) : null]));
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
