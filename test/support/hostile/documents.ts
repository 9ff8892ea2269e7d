import {
  getNamedType, isEnumType, isInputObjectType, isInterfaceType, isLeafType, isListType, isNonNullType, isObjectType, isUnionType,
  type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLSchema,
} from 'graphql';

/**
 * GraphQL documents generated from the schema (every root field, arguments of the right type), then mutated the
 * way an attacker would: huge, wide, deep, aliased, repeated, fragment chains, cycles and fan-outs, directives,
 * wrong variable types, null bytes, odd unicode. Deterministic for a seed.
 */
export type Rng = () => number;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
export const between = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

const ODD_STRINGS = [
  '', 'a', '1.2.3.4', 'evil.example.com', "' OR 1=1 --", '"; DROP TABLE api_token; --', '../../etc/passwd', '%s%s%s%n',
  '\u202e\u0645\u0631\u062d\u0628\u0627', '\u{1F4A9}\u{1F525}', '\u200b\u200d\ufeff', '\ud800', '\udfff lone surrogate', 'ｆｕｌｌｗｉｄｔｈ',
  'x'.repeat(5_000), '<script>alert(1)</script>', '${jndi:ldap://x/a}', '{{7*7}}', 'sgt_forged-token', '\\u0000',
];

export interface Generated {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

function literalString(text: string): string {
  return JSON.stringify(text);
}

/** A GraphQL literal of the given input type (right type, odd values). */
export function literalFor(type: GraphQLInputType, rng: Rng, depth = 0): string {
  if (isNonNullType(type)) return literalFor(type.ofType, rng, depth);
  if (isListType(type)) return `[${Array.from({ length: between(rng, 0, 3) }, () => literalFor(type.ofType, rng, depth + 1)).join(', ')}]`;
  if (isEnumType(type)) return pick(rng, type.getValues()).name;
  if (isInputObjectType(type)) {
    if (depth > 3) return '{}';
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || rng() < 0.4);
    return `{ ${fields.map((f) => `${f.name}: ${literalFor(f.type, rng, depth + 1)}`).join(', ')} }`;
  }
  switch (getNamedType(type).name) {
    case 'Int': return String(pick(rng, [0, 1, -1, 5, 100, 2147483647, -2147483648]));
    case 'Float': return String(pick(rng, [0, 1.5, -1e10, 3.4e38]));
    case 'Boolean': return pick(rng, ['true', 'false']);
    case 'ID': return literalString(pick(rng, [Buffer.from(`Ticket:${between(rng, 1, 99)}`).toString('base64'), 'VGlja2V0OjE=', 'not-an-id', '']));
    case 'DateTime': return literalString(pick(rng, ['2026-01-01T00:00:00Z', 'yesterday', '9999-12-31T23:59:59Z']));
    case 'JSON': return '{ a: [1, "b", null] }';
    default: return literalString(pick(rng, ODD_STRINGS));
  }
}

/** A JSON value for a variable of this type, or of a wrong one. */
export function variableValueFor(type: GraphQLInputType, rng: Rng, wrong: boolean, depth = 0): unknown {
  if (wrong) return pick(rng, [42, 'text', true, null, [1, [2, [3]]], { nested: { deeper: 'x' } }, 1e308, -0, '\u0000', 'x'.repeat(10_000)]);
  if (isNonNullType(type)) return variableValueFor(type.ofType, rng, false, depth);
  if (isListType(type)) return depth > 3 ? [] : [variableValueFor(type.ofType, rng, false, depth + 1)];
  if (isEnumType(type)) return pick(rng, type.getValues()).name;
  if (isInputObjectType(type)) {
    if (depth > 3) return {};
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || rng() < 0.4)
      .map((f) => [f.name, variableValueFor(f.type, rng, false, depth + 1)]));
  }
  switch (getNamedType(type).name) {
    case 'Int': return between(rng, -5, 500);
    case 'Float': return rng() * 100;
    case 'Boolean': return rng() < 0.5;
    case 'JSON': return { a: 1 };
    case 'DateTime': return '2026-01-01T00:00:00Z';
    default: return pick(rng, ODD_STRINGS);
  }
}

function argumentsFor(field: GraphQLField<unknown, unknown>, rng: Rng): string {
  const args = field.args.filter((a) => isNonNullType(a.type) || rng() < 0.5);
  return args.length ? `(${args.map((a) => `${a.name}: ${literalFor(a.type, rng)}`).join(', ')})` : '';
}

/** A selection set for an output type: leaves, and a few object fields down to `depth`. */
export function selectionFor(type: GraphQLObjectType, rng: Rng, schema: GraphQLSchema, depth: number): string {
  const fields = Object.values(type.getFields());
  const chosen = fields.filter(() => rng() < 0.5).slice(0, 6);
  if (chosen.length === 0) chosen.push(fields.find((f) => isLeafType(getNamedType(f.type))) ?? fields[0]!);
  const parts: string[] = [];
  for (const field of chosen) {
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      parts.push(field.name + argumentsFor(field, rng));
    } else if (depth > 0) {
      parts.push(`${field.name}${argumentsFor(field, rng)} ${subSelection(named, rng, schema, depth - 1)}`);
    }
  }
  return `{ ${parts.length ? parts.join(' ') : '__typename'} }`;
}

function subSelection(named: unknown, rng: Rng, schema: GraphQLSchema, depth: number): string {
  if (isObjectType(named)) return selectionFor(named, rng, schema, depth);
  if (isInterfaceType(named) || isUnionType(named)) {
    const possible = schema.getPossibleTypes(named);
    const one = possible.length ? pick(rng, possible) : null;
    return `{ __typename ${one ? `... on ${one.name} ${selectionFor(one, rng, schema, depth)}` : ''} }`;
  }
  return '{ __typename }';
}

/** One operation on a random root field of Query, Mutation or Subscription. */
export function rootOperation(schema: GraphQLSchema, rng: Rng): { kind: 'query' | 'mutation' | 'subscription'; field: GraphQLField<unknown, unknown>; text: string } {
  const roots = [['query', schema.getQueryType()], ['mutation', schema.getMutationType()], ['subscription', schema.getSubscriptionType()]] as const;
  const [kind, root] = pick(rng, roots.filter(([, t]) => t) as Array<readonly ['query' | 'mutation' | 'subscription', GraphQLObjectType]>);
  const field = pick(rng, Object.values(root.getFields()));
  const named = getNamedType(field.type);
  const selection = isLeafType(named) ? '' : ` ${subSelection(named, rng, schema, between(rng, 0, 2))}`;
  return { kind, field, text: `${kind} { ${field.name}${argumentsFor(field, rng)}${selection} }` };
}

const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

/** The mutations, by name: each returns a hostile document built on a schema-generated one. */
export const documentMutations: Record<string, (schema: GraphQLSchema, rng: Rng) => Generated> = {
  generated: (schema, rng) => ({ query: rootOperation(schema, rng).text }),
  huge: (_schema, rng) => ({ query: `{${' viewer { name }'.repeat(between(rng, 20_000, 60_000))} }` }),
  wide: (schema, rng) => {
    const fields = Object.values(schema.getQueryType()!.getFields());
    return { query: `{ ${repeat(between(rng, 50, 800), (i) => `f${i}: ${pick(rng, fields).name} { __typename }`)} }` };
  },
  repeatedFields: (_schema, rng) => ({ query: `{ ${repeat(between(rng, 200, 1_400), () => 'viewer { name role }')} }` }),
  deep: (_schema, rng) => {
    const n = between(rng, 20, 3_000);
    return { query: `{ ${'viewer { '.repeat(n)}name ${'} '.repeat(n)}}` };
  },
  deepList: (_schema, rng) => {
    const n = between(rng, 10, 4_000);
    return { query: `{ indicator(value: ${'['.repeat(n)}"x"${']'.repeat(n)}) { id } }` };
  },
  aliased: (schema, rng) => ({ query: `{ ${repeat(between(rng, 21, 900), (i) => `a${i}: ${pick(rng, ['viewer { name }', 'sources { name }', 'jobs { name }'])}`)} }` }),
  fragmentChain: (_schema, rng) => {
    const n = between(rng, 5, 2_000);
    return { query: `{ ...F0 } ${repeat(n, (i) => `fragment F${i} on Query { ${i < n - 1 ? `...F${i + 1}` : 'viewer { name }'} }`)}` };
  },
  fragmentCycle: (_schema, rng) => {
    const n = between(rng, 1, 500);
    return { query: `{ ...F0 } ${repeat(n, (i) => `fragment F${i} on Query { viewer { name } ...F${(i + 1) % n} }`)}` };
  },
  fragmentFanOut: (_schema, rng) => {
    const n = between(rng, 8, 40);
    return { query: `{ ...F0 } ${repeat(n, (i) => `fragment F${i} on Query { ${i < n - 1 ? `...F${i + 1} ...F${i + 1}` : 'viewer { name }'} }`)}` };
  },
  directives: (_schema, rng) => ({ query: `{ viewer { ${repeat(between(rng, 5, 600), () => pick(rng, ['name @include(if: true)', 'role @skip(if: false)', 'name @deprecated', 'name @unknown(x: 1)']))} } }` }),
  wrongVariableTypes: (schema, rng) => {
    const { kind, field } = rootOperation(schema, rng);
    if (field.args.length === 0) return { query: `query($v: Int) { viewer { name @include(if: $v) } }`, variables: { v: 'yes' } };
    const declared = field.args.map((a, i) => `$a${i}: ${a.type.toString()}`).join(', ');
    const used = field.args.map((a, i) => `${a.name}: $a${i}`).join(', ');
    const named = getNamedType(field.type);
    const selection = isLeafType(named) ? '' : ' { __typename }';
    const variables = Object.fromEntries(field.args.map((a, i) => [`a${i}`, variableValueFor(a.type, rng, rng() < 0.7)]));
    return { query: `${kind}(${declared}) { ${field.name}(${used})${selection} }`, variables };
  },
  nullBytes: (schema, rng) => {
    if (rng() < 0.5) {
      const { text } = rootOperation(schema, rng);
      const withNull = text.replace(/"([^"\\]*)"/, '"$1\\u0000x"');
      return { query: withNull.includes('\\u0000') ? withNull : `{ indicator(value: "a\\u0000") { id } }` };
    }
    const target = pick(rng, [
      ['query($v: String!) { indicator(value: $v) { id } }', { v: `1.2.3.4\u0000` }],
      ['query($f: IncidentFilter) { incidents(filter: $f) { totalCount } }', { f: { search: 'a\u0000', externalId: '\u0000' } }],
      ['query($f: TicketFilter) { tickets(filter: $f) { totalCount } }', { f: { search: '\u0000\u0000' } }],
      ['query($f: IndicatorFilter) { indicators(filter: $f) { totalCount } }', { f: { valuePrefix: 'x\u0000' } }],
      ['query($t: String!) { extractIndicators(text: $t) { value } }', { t: 'see 8.8.8.8\u0000 and evil.com' }],
    ] as const);
    return { query: target[0], variables: target[1] as Record<string, unknown> };
  },
  unicode: (_schema, rng) => ({ query: pick(rng, [
    `{ vi\u0435wer { name } }`, `{ viewer { name } } # ${pick(rng, ODD_STRINGS)}`, `{ extractIndicators(text: ${literalString(pick(rng, ODD_STRINGS))}) { value } }`,
    '{ viewer { \u{1F4A9} } }', `query ${'\u00e9'.repeat(10)} { viewer { name } }`, `{ indicator(value: "\\ud800") { id } }`,
  ]) }),
  introspection: (_schema, rng) => ({ query: pick(rng, ['{ __schema { types { name fields { name } } } }', '{ __type(name: "Mutation") { fields { name args { name } } } }', '{ __typename }']) }),
  syntax: (_schema, rng) => ({ query: pick(rng, ['{', '}}}', '{ viewer { name }', 'query query query', '"""', '{ viewer(name: ) }', 'fragment X on Y', '{ a: b: c }', '#']) }),
  operationNames: (_schema, rng) => ({ query: 'query A { viewer { name } } query B { sources { name } }', operationName: pick(rng, ['C', '', 'A\u0000']) }),
};
