import type { z } from 'zod';

/** What this walker reads of a zod 4 schema's definition. */
interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'catch', 'readonly', 'nonoptional']);

/**
 * Keys of `value` that `schema` does not know, as `path: message` lines. zod objects strip unknown keys by
 * default, so a typo in a vendor's settings (`concurency`) would pass unnoticed: this names it, with the keys
 * that level accepts. Objects that are strict (zod fails them itself) or pass extra keys through are left alone.
 */
export function unknownKeys(schema: z.ZodType, value: unknown, path: string): string[] {
  let def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  while (WRAPPERS.has(def.type) || def.type === 'pipe') {
    const inner = def.type === 'pipe' ? def.in : def.innerType;
    if (!inner) return [];
    def = (inner as unknown as { _zod: { def: SchemaDef } })._zod.def;
  }
  if (value === null || typeof value !== 'object') return [];
  if (def.type === 'array' && def.element && Array.isArray(value)) {
    return value.flatMap((item, index) => unknownKeys(def.element!, item, `${path}.${index}`));
  }
  if (def.type === 'record' && def.valueType && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, item]) => unknownKeys(def.valueType!, item, `${path}.${key}`));
  }
  if (def.type !== 'object' || !def.shape || Array.isArray(value)) return [];
  const shape = def.shape;
  const known = Object.keys(shape);
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (key in shape) problems.push(...unknownKeys(shape[key], item, `${path}.${key}`));
    else if (!def.catchall) problems.push(`${path}.${key}: unknown setting${closest(key, known)} (known here: ${known.join(', ') || 'none'})`);
  }
  return problems;
}

/** ` — did you mean 'x'?` when a known key is within two edits of `key`. */
function closest(key: string, known: string[]): string {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? ` — did you mean '${best}'?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
