import type { FormattedExecutionResult } from 'graphql';

/*
 * JSON text PostgreSQL built for a compiled read, carried into the HTTP response as it is: no JSON.parse in the hub and
 * no JSON.stringify of the rows again (the two were the compiled path's largest costs after the socket write).
 */

/** A value whose JSON text is already made. Only `stringifyResult` knows to splice it; it appears only in compiled data. */
export class RawJson {
  constructor(readonly text: string) {}
}

const withRawJson = new WeakSet<object>();

/** Marks `data` as holding RawJson values (the compiled path's answers). */
export function markRawJson<T extends object>(data: T): T {
  withRawJson.add(data);
  return data;
}

/**
 * Apollo's `stringifyResult`: JSON.stringify (Apollo's default, newline included), except that in compiled data each
 * RawJson is written as its text. The placeholder is a NUL-prefixed string that only the skeleton (response keys,
 * type names, cursors, booleans; never a row's value) could hold, and the raw texts are spliced in one pass.
 */
export function stringifyResult(value: FormattedExecutionResult): string {
  if (!value.data || !withRawJson.has(value.data)) return `${JSON.stringify(value)}\n`;
  const raws: string[] = [];
  const skeleton = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof RawJson)) return v;
    raws.push(v.text);
    return `\u0000${raws.length - 1}`;
  });
  return `${skeleton.replace(/"\\u0000(\d+)"/g, (_m, i: string) => raws[Number(i)]!)}\n`;
}
