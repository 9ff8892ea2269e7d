import type { FieldValue, IvantiRecord } from './store.js';

/** A query Ivanti refuses with 400 ISM_4000 (the message names the field to blame). */
export class ODataQueryError extends Error {}

/** Resolves a field name case-insensitively to the business object's own spelling (undefined if it has none). */
export type FieldResolver = (name: string) => string | undefined;

type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'date'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  // The OData v2 `datetime'…'` form: parsed only so the refusal can blame the field, as Ivanti does.
  | { kind: 'v2-datetime' };

type Token =
  | { type: 'paren'; value: '(' | ')' }
  | { type: 'word'; value: string }
  | { type: 'literal'; literal: Literal };

const COMPARISONS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Comparison = (typeof COMPARISONS)[number];

export type Predicate = (record: IvantiRecord) => boolean;

/**
 * Parses the `$filter` subset Ivanti tenants answer: `eq ne gt ge lt le` joined by `and`/`or` with parentheses,
 * over single-quoted strings (`''` escapes a quote), bare numbers, `true`/`false`/`null`, `'$NULL'` and bare
 * ISO 8601 date-times. `eq` on strings ignores case. The OData v2 `datetime'…'` form, functions and unknown fields
 * are refused, naming the field.
 */
export function parseFilter(text: string, resolve: FieldResolver): Predicate {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const isWord = (token: Token | undefined, word: string): boolean => token?.type === 'word' && token.value.toLowerCase() === word;

  const orExpression = (): Predicate => {
    let left = andExpression();
    while (isWord(peek(), 'or')) {
      position += 1;
      const [a, b] = [left, andExpression()];
      left = (r) => a(r) || b(r);
    }
    return left;
  };
  const andExpression = (): Predicate => {
    let left = primary();
    while (isWord(peek(), 'and')) {
      position += 1;
      const [a, b] = [left, primary()];
      left = (r) => a(r) && b(r);
    }
    return left;
  };
  const primary = (): Predicate => {
    const token = tokens[position++];
    if (token?.type === 'paren' && token.value === '(') {
      const inner = orExpression();
      const close = tokens[position++];
      if (close?.type !== 'paren' || close.value !== ')') throw new ODataQueryError('Missing closing parenthesis in $filter');
      return inner;
    }
    if (token?.type !== 'word') throw new ODataQueryError(`Unexpected ${token ? describe(token) : 'end'} in $filter`);
    const field = resolve(token.value);
    if (!field) throw new ODataQueryError(`Invalid field '${token.value}' in $filter`);
    const operator = tokens[position++];
    const op = operator?.type === 'word' ? operator.value.toLowerCase() : '';
    if (!(COMPARISONS as readonly string[]).includes(op)) throw new ODataQueryError(`Unsupported operator after '${field}' in $filter`);
    const operand = tokens[position++];
    if (operand?.type !== 'literal' || operand.literal.kind === 'v2-datetime') throw new ODataQueryError(`Invalid value for field '${field}' in $filter`);
    const literal = operand.literal;
    if (isDateField(field) && literal.kind !== 'date' && literal.kind !== 'null') {
      throw new ODataQueryError(`Invalid value for field '${field}' in $filter: expected a bare ISO 8601 date-time`);
    }
    return (record) => matches(record[field] ?? null, op as Comparison, literal);
  };

  const predicate = orExpression();
  if (position < tokens.length) throw new ODataQueryError(`Unexpected ${describe(tokens[position]!)} in $filter`);
  return predicate;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const patterns: [RegExp, (m: RegExpExecArray) => Token][] = [
    [/^datetime'[^']*'/i, () => ({ type: 'literal', literal: { kind: 'v2-datetime' } })],
    [/^[()]/, (m) => ({ type: 'paren', value: m[0] as '(' | ')' })],
    [/^'((?:[^']|'')*)'/, (m) => {
      const value = m[1]!.replace(/''/g, "'");
      return { type: 'literal', literal: value === '$NULL' ? { kind: 'null' } : { kind: 'string', value } };
    }],
    [/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?/i, (m) => {
      const value = Date.parse(/(Z|[+-]\d{2}:\d{2})$/i.test(m[0]) ? m[0] : `${m[0]}Z`);
      if (Number.isNaN(value)) throw new ODataQueryError(`Invalid date-time '${m[0]}' in $filter`);
      return { type: 'literal', literal: { kind: 'date', value } };
    }],
    [/^-?\d+(?:\.\d+)?/, (m) => ({ type: 'literal', literal: { kind: 'number', value: Number(m[0]) } })],
    [/^[A-Za-z_][A-Za-z0-9_]*/, (m) => {
      const word = m[0].toLowerCase();
      if (word === 'true' || word === 'false') return { type: 'literal', literal: { kind: 'boolean', value: word === 'true' } };
      if (word === 'null') return { type: 'literal', literal: { kind: 'null' } };
      return { type: 'word', value: m[0] };
    }],
  ];
  let rest = text.trim();
  while (rest.length > 0) {
    const matched = patterns.find(([pattern]) => pattern.test(rest));
    if (!matched) throw new ODataQueryError(`Cannot parse $filter near '${rest.slice(0, 20)}'`);
    const m = matched[0].exec(rest)!;
    const token = matched[1](m);
    rest = rest.slice(m[0].length);
    // `datetime'…'` (OData v2) and function calls such as contains(…) are not accepted.
    if (token.type === 'word' && !/^(and|or)$/i.test(token.value) && (rest.startsWith("'") || rest.startsWith('('))) {
      throw new ODataQueryError(`Unsupported expression '${token.value}${rest.slice(0, 12)}…' in $filter`);
    }
    tokens.push(token);
    rest = rest.trimStart();
  }
  return tokens;
}

function describe(token: Token): string {
  if (token.type === 'paren') return `'${token.value}'`;
  if (token.type === 'word') return `'${token.value}'`;
  return 'value';
}

export function isDateField(field: string): boolean {
  return /DateTime$/.test(field);
}

function matches(value: FieldValue, op: Comparison, literal: Exclude<Literal, { kind: 'v2-datetime' }>): boolean {
  if (literal.kind === 'null') {
    const empty = value === null || value === '';
    return op === 'eq' ? empty : op === 'ne' ? !empty : false;
  }
  if (value === null) return op === 'ne';
  const order = compareValues(value, literal);
  switch (op) {
    case 'eq': return order === 0;
    case 'ne': return order !== 0;
    case 'gt': return order > 0;
    case 'ge': return order >= 0;
    case 'lt': return order < 0;
    case 'le': return order <= 0;
  }
}

function compareValues(value: Exclude<FieldValue, null>, literal: Exclude<Literal, { kind: 'null' | 'v2-datetime' }>): number {
  if (value instanceof Date && literal.kind === 'date') return Math.sign(value.getTime() - literal.value);
  if (typeof value === 'number' && literal.kind === 'number') return Math.sign(value - literal.value);
  if (typeof value === 'boolean' && literal.kind === 'boolean') return Number(value) - Number(literal.value);
  return compareText(String(value instanceof Date ? value.toISOString() : value), String(literal.value));
}

function compareText(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `$orderby=Field [asc|desc], …`; null when a field is unknown (Ivanti then answers 204, not 400). */
export function parseOrderBy(text: string, resolve: FieldResolver): ((a: IvantiRecord, b: IvantiRecord) => number) | null {
  const keys: { field: string; direction: number }[] = [];
  for (const part of text.split(',')) {
    const [name = '', direction = 'asc', ...extra] = part.trim().split(/\s+/);
    const field = resolve(name);
    if (!field || extra.length > 0 || !['asc', 'desc'].includes(direction.toLowerCase())) return null;
    keys.push({ field, direction: direction.toLowerCase() === 'desc' ? -1 : 1 });
  }
  return (a, b) => {
    for (const { field, direction } of keys) {
      const order = compareForSort(a[field] ?? null, b[field] ?? null);
      if (order !== 0) return order * direction;
    }
    return 0;
  };
}

function compareForSort(a: FieldValue, b: FieldValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  return compareText(String(a), String(b));
}

/**
 * `$search`: every word must prefix-match a word of some text field; `or` between words makes alternatives.
 * A quoted phrase matches nothing (as measured on live tenants).
 */
export function parseSearch(text: string): Predicate {
  if (text.includes('"')) return () => false;
  const alternatives = text.split(/\s+or\s+/i).map((part) => part.toLowerCase().split(/\s+/).filter(Boolean));
  return (record) => {
    const words = Object.values(record)
      .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
      .flatMap((v) => String(v).toLowerCase().split(/[^\p{L}\p{N}]+/u));
    return alternatives.some((all) => all.length > 0 && all.every((prefix) => words.some((w) => w.startsWith(prefix))));
  };
}
