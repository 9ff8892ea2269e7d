import { randomBytes } from 'node:crypto';
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

/** Where a RawJson goes in the skeleton: NUL, a secret of this process, the index (a string no response can hold by chance or on purpose). */
const PLACEHOLDER = `\u0000${randomBytes(12).toString('hex')}:`;
const PLACED = new RegExp(`"\\\\u0000${PLACEHOLDER.slice(1)}(\\d+)"`, 'g');

/**
 * Apollo's `stringifyResult`: JSON.stringify (Apollo's default, newline included), except that in compiled data each
 * RawJson is written as its text. Compiled data may also hold values the resolvers gave (a dashboard's `viewer` or
 * `jobs` beside its compiled pages), so the placeholder carries a secret: no value can pass for it. The raw texts are
 * spliced in one pass.
 */
export function stringifyResult(value: FormattedExecutionResult): string {
  if (!value.data || !withRawJson.has(value.data)) return `${JSON.stringify(value)}\n`;
  const raws: string[] = [];
  const skeleton = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof RawJson)) return v;
    raws.push(v.text);
    return `${PLACEHOLDER}${raws.length - 1}`;
  });
  return `${skeleton.replace(PLACED, (_m, i: string) => raws[Number(i)]!)}\n`;
}
