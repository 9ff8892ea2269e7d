import type { CtixObject } from './store.js';

/**
 * The subset of CQL (Cyware Query Language) the sandbox evaluates: `field OP value` clauses joined by AND/OR,
 * evaluated strictly left to right, no grouping parentheses. Values are "double"- or 'single'-quoted, or bare
 * words (`type=indicator`). An unsupported field or operator is a 400, as a bad query is on a tenant.
 */

export class CqlError extends Error {}

type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'IN' | 'NOT IN' | 'CONTAINS' | 'BEGINS_WITH' | 'ENDS_WITH' | 'RANGE';
type FieldValue = string | number | boolean | null;

interface Clause {
  field: string;
  operator: Operator;
  values: string[];
}

export interface CqlQuery {
  first: Clause;
  rest: Array<{ conjunction: 'AND' | 'OR'; clause: Clause }>;
}

const STRING_FIELDS: Record<string, (o: CtixObject) => FieldValue[]> = {
  type: (o) => [o.type],
  ioc_type: (o) => [o.iocType],
  value: (o) => [o.name],
  tlp: (o) => [o.analystTlp ?? o.tlp],
  source_confidence: (o) => [o.sourceConfidence],
  source: (o) => o.sources.map((s) => s.name),
  source_type: (o) => o.sources.map((s) => s.source_type),
  tag: (o) => o.tags.map((t) => t.name),
  is_deprecated: (o) => [o.isDeprecated],
  is_false_positive: (o) => [o.isFalsePositive],
  is_whitelisted: (o) => [o.isWhitelisted],
};

const NUMERIC_FIELDS: Record<string, (o: CtixObject) => FieldValue[]> = {
  confidence_score: (o) => [o.confidenceScore],
  analyst_score: (o) => [o.analystScore],
  ctix_created: (o) => [o.ctixCreated],
  ctix_modified: (o) => [o.ctixModified],
  created: (o) => [o.created],
  modified: (o) => [o.modified],
  valid_from: (o) => [o.validFrom],
  valid_until: (o) => [o.validUntil],
};

const STRING_OPERATORS = new Set<Operator>(['=', '!=', 'IN', 'NOT IN']);
const TEXT_OPERATORS = new Set<Operator>(['CONTAINS', 'BEGINS_WITH', 'ENDS_WITH']);
const NUMERIC_OPERATORS = new Set<Operator>(['=', '!=', '>', '>=', '<', '<=', 'IN', 'NOT IN', 'RANGE']);
const LIST_OPERATORS = new Set<Operator>(['IN', 'NOT IN', 'RANGE']);

type Token = { kind: 'word' | 'string' | 'symbol'; text: string };

export function parseCql(query: string): CqlQuery {
  const tokens = tokenize(query);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const take = (): Token => {
    const token = tokens[position++];
    if (!token) throw new CqlError('unexpected end of query');
    return token;
  };
  const keyword = (token: Token | undefined): string | undefined => (token?.kind === 'word' ? token.text.toUpperCase() : undefined);

  const value = (): string => {
    const token = take();
    if (token.kind === 'symbol') throw new CqlError(`expected a value, found '${token.text}'`);
    return token.text;
  };

  const clause = (): Clause => {
    const fieldToken = take();
    if (fieldToken.text === '(') throw new CqlError('parentheses are not allowed for grouping');
    if (fieldToken.kind !== 'word') throw new CqlError(`expected a field, found '${fieldToken.text}'`);
    const field = fieldToken.text.toLowerCase();
    const numeric = field in NUMERIC_FIELDS;
    if (!numeric && !(field in STRING_FIELDS)) throw new CqlError(`unsupported field '${fieldToken.text}'`);

    const operatorToken = take();
    let operator: Operator;
    if (operatorToken.kind === 'symbol' && ['=', '!=', '>', '>=', '<', '<='].includes(operatorToken.text)) {
      operator = operatorToken.text as Operator;
    } else {
      const word = keyword(operatorToken);
      if (word === 'NOT') {
        if (keyword(peek()) === 'IN') take();
        operator = 'NOT IN';
      } else if (word === 'IN' || word === 'CONTAINS' || word === 'BEGINS_WITH' || word === 'ENDS_WITH' || word === 'RANGE') {
        operator = word;
      } else {
        throw new CqlError(`unsupported operator '${operatorToken.text}'`);
      }
    }
    const allowed = numeric ? NUMERIC_OPERATORS.has(operator)
      : STRING_OPERATORS.has(operator) || (field === 'value' && TEXT_OPERATORS.has(operator));
    if (!allowed) throw new CqlError(`operator ${operator} is not supported on '${field}'`);

    let values: string[];
    if (LIST_OPERATORS.has(operator)) {
      if (take().text !== '(') throw new CqlError(`${operator} expects a parenthesised list`);
      values = [value()];
      while (peek()?.text === ',') {
        take();
        values.push(value());
      }
      if (take().text !== ')') throw new CqlError(`unterminated list after ${operator}`);
      if (operator === 'RANGE' && values.length !== 2) throw new CqlError('RANGE expects exactly two values');
    } else {
      values = [value()];
    }
    if (numeric && values.some((v) => !/^-?\d+(\.\d+)?$/.test(v))) throw new CqlError(`'${field}' compares numbers`);
    return { field, operator, values };
  };

  const first = clause();
  const rest: CqlQuery['rest'] = [];
  while (peek()) {
    const conjunction = keyword(take());
    if (conjunction !== 'AND' && conjunction !== 'OR') throw new CqlError('clauses must be joined by AND or OR');
    rest.push({ conjunction, clause: clause() });
  }
  return { first, rest };
}

/** Left to right, no precedence: `a OR b AND c` is `(a OR b) AND c`. */
export function matchesCql(object: CtixObject, query: CqlQuery): boolean {
  let result = matchesClause(object, query.first);
  for (const { conjunction, clause } of query.rest) {
    result = conjunction === 'AND' ? result && matchesClause(object, clause) : result || matchesClause(object, clause);
  }
  return result;
}

function matchesClause(object: CtixObject, clause: Clause): boolean {
  const numeric = clause.field in NUMERIC_FIELDS;
  const actual = (numeric ? NUMERIC_FIELDS : STRING_FIELDS)[clause.field]!(object).filter((v) => v !== null);
  const [first] = clause.values;
  if (numeric) {
    const numbers = actual.map(Number);
    const wanted = clause.values.map(Number);
    switch (clause.operator) {
      case '=': return numbers.some((n) => n === wanted[0]);
      case '!=': return !numbers.some((n) => n === wanted[0]);
      case '>': return numbers.some((n) => n > wanted[0]!);
      case '>=': return numbers.some((n) => n >= wanted[0]!);
      case '<': return numbers.some((n) => n < wanted[0]!);
      case '<=': return numbers.some((n) => n <= wanted[0]!);
      case 'IN': return numbers.some((n) => wanted.includes(n));
      case 'NOT IN': return !numbers.some((n) => wanted.includes(n));
      case 'RANGE': return numbers.some((n) => n >= wanted[0]! && n <= wanted[1]!);
      default: return false;
    }
  }
  const texts = actual.map(String);
  switch (clause.operator) {
    case '=': return texts.includes(first!);
    case '!=': return !texts.includes(first!);
    case 'IN': return texts.some((t) => clause.values.includes(t));
    case 'NOT IN': return !texts.some((t) => clause.values.includes(t));
    case 'CONTAINS': return texts.some((t) => t.toLowerCase().includes(first!.toLowerCase()));
    case 'BEGINS_WITH': return texts.some((t) => t.toLowerCase().startsWith(first!.toLowerCase()));
    case 'ENDS_WITH': return texts.some((t) => t.toLowerCase().endsWith(first!.toLowerCase()));
    default: return false;
  }
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|"([^"]*)"|'([^']*)'|(!=|>=|<=|=|>|<|\(|\)|,)|([^\s"'(),=!<>]+)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < query.length) {
    const at = pattern.lastIndex;
    match = pattern.exec(query);
    if (!match) throw new CqlError(`cannot read the query at position ${at}`);
    if (match[1] !== undefined) tokens.push({ kind: 'string', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: 'string', text: match[2] });
    else if (match[3] !== undefined) tokens.push({ kind: 'symbol', text: match[3] });
    else if (match[4] !== undefined) tokens.push({ kind: 'word', text: match[4] });
  }
  if (tokens.length === 0) throw new CqlError('the query is empty');
  return tokens;
}
