import {
  GraphQLError, Kind, Lexer, parse, Source, TokenKind,
  type DefinitionNode, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode,
} from 'graphql';
import type { HubConfig } from '../config/hub-config.js';

/**
 * The cheap checks every document passes before the specified validation rules run (their cost grows
 * with the document: the overlapping-fields rule is quadratic in repeated fields, the fragment rules and
 * graphql-armor's recurse through fragments). One function for HTTP and graphql-ws. Nothing here recurses:
 * the text is first lexed (token count and bracket nesting), so the recursive parser only sees shallow documents,
 * then the parsed document is walked with explicit stacks.
 */
export type DocumentLimits = Pick<HubConfig['server'],
  'maxTokens' | 'maxNesting' | 'maxFields' | 'maxDirectives' | 'maxFragments' | 'maxAliases' | 'maxFieldMerges'>;

export function limitError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Parses `source` if it is within the limits and its shape is; otherwise a GraphQLError with a code. */
export function parseWithinLimits(source: unknown, variables: unknown, limits: DocumentLimits): DocumentNode | GraphQLError {
  if (typeof source !== 'string' || source.length === 0) return limitError('a non-empty `query` string is required', 'BAD_REQUEST');
  const lexed = lexWithinLimits(source, limits);
  if (lexed) return lexed;
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.maxTokens, noLocation: false });
  } catch (error) {
    const message = error instanceof GraphQLError ? error.message : 'the document could not be parsed';
    return limitError(message, 'GRAPHQL_PARSE_FAILED');
  }
  return checkVariables(variables) ?? checkDocumentShape(document, limits) ?? document;
}

/** A request's variables: no string (or key) may hold a null byte. */
export function checkVariables(variables: unknown): GraphQLError | null {
  const nullByte = findNullByte(variables);
  return nullByte === null ? null : limitError(`variable ${nullByte}: a string contains a null byte`, 'BAD_USER_INPUT');
}

function lexWithinLimits(source: string, limits: DocumentLimits): GraphQLError | null {
  const lexer = new Lexer(new Source(source));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (tokens > limits.maxTokens) return limitError(`the document has more than ${limits.maxTokens} tokens`, 'TOO_MANY_TOKENS');
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L || token.kind === TokenKind.PAREN_L) {
        nesting += 1;
        if (nesting > limits.maxNesting) return limitError(`the document nests deeper than ${limits.maxNesting} brackets`, 'TOO_DEEP');
      } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.BRACKET_R || token.kind === TokenKind.PAREN_R) {
        nesting -= 1;
      }
    }
  } catch (error) {
    return limitError(error instanceof GraphQLError ? error.message : 'the document could not be read', 'GRAPHQL_PARSE_FAILED');
  }
  return null;
}

/** Where the first string holding U+0000 is in a JSON value (`$name.path`), or null. */
export function findNullByte(value: unknown, root = '$'): string | null {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\0')) return path;
    } else if (Array.isArray(item)) {
      item.forEach((child, index) => stack.push([child, `${path}[${index}]`]));
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\0')) return path;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return null;
}

interface DefinitionShape {
  /** Selections written in the definition itself. */
  selections: number;
  /** Selection-set nesting within the definition. */
  depth: number;
  /** Aliased fields written in the definition itself. */
  aliases: number;
  /** Fragment spreads: name and the nesting they sit at. */
  spreads: Array<{ name: string; depth: number }>;
}

/**
 * Directive, fragment, expanded-size, alias and nesting limits, fragment cycles, null bytes in literals, and the
 * work of merging repeated fields.
 */
export function checkDocumentShape(document: DocumentNode, limits: DocumentLimits): GraphQLError | null {
  let directives = 0;
  const fragments = new Map<string, DefinitionShape>();
  const operations: DefinitionShape[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const shape: DefinitionShape = { selections: 0, depth: 0, aliases: 0, spreads: [] };
    directives += (definition.directives?.length ?? 0) + countVariableDirectives(definition);
    const sets: Array<[SelectionSetNode, number]> = [[definition.selectionSet, 1]];
    const values: ValueNode[] = definitionValues(definition);
    while (sets.length > 0) {
      const [set, depth] = sets.pop()!;
      shape.depth = Math.max(shape.depth, depth);
      for (const selection of set.selections) {
        shape.selections += 1;
        directives += selection.directives?.length ?? 0;
        for (const directive of selection.directives ?? []) values.push(...(directive.arguments ?? []).map((a) => a.value));
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          shape.spreads.push({ name: selection.name.value, depth });
        } else {
          if (selection.kind === Kind.FIELD) {
            values.push(...(selection.arguments ?? []).map((a) => a.value));
            if (selection.alias) shape.aliases += 1;
          }
          if (selection.selectionSet) sets.push([selection.selectionSet, depth + 1]);
        }
      }
    }
    if (directives > limits.maxDirectives) return limitError(`the document has more than ${limits.maxDirectives} directives`, 'TOO_MANY_DIRECTIVES');
    if (hasNullByte(values)) return limitError('a string argument contains a null byte', 'BAD_USER_INPUT');
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, shape);
      if (fragments.size > limits.maxFragments) return limitError(`the document has more than ${limits.maxFragments} fragments`, 'TOO_MANY_FRAGMENTS');
    } else {
      operations.push(shape);
    }
  }
  const expanded = expandFragments(fragments);
  if (expanded instanceof GraphQLError) return expanded;
  for (const shape of [...operations, ...fragments.values()]) {
    const size = expandedSize(shape, expanded);
    if (size.selections > limits.maxFields) return limitError(`an operation selects more than ${limits.maxFields} fields with its fragments expanded`, 'TOO_MANY_FIELDS');
    if (size.depth > limits.maxNesting) return limitError(`an operation nests deeper than ${limits.maxNesting} with its fragments expanded`, 'TOO_DEEP');
    if (size.aliases > limits.maxAliases) return limitError(`an operation has more than ${limits.maxAliases} aliases with its fragments expanded`, 'TOO_MANY_ALIASES');
  }
  const merges = fieldMerges(document, limits.maxFieldMerges);
  if (merges > limits.maxFieldMerges) {
    return limitError(`the document repeats fields too often: merging them takes over ${limits.maxFieldMerges} comparisons`, 'TOO_MANY_REPEATED_FIELDS');
  }
  return null;
}

/**
 * The work graphql-js's overlapping-fields rule will do, counted before it runs: in each selection set (inline
 * fragments and each spread fragment flattened into it, as the rule collects them), every pair of fields with the
 * same response name is compared, sub-selections included. So a pair weighs 1 + the average size of the two
 * fields' sub-selections. `{ viewer { name } }` repeated 500 times is within maxFields but ~125,000 pairs: 67 ms of
 * validation on one thread. Counting stops once past `budget`.
 */
function fieldMerges(document: DocumentNode, budget: number): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const sets: SelectionSetNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) sets.push(definition.selectionSet);
  }
  let merges = 0;
  while (sets.length > 0) {
    const byName = new Map<string, FieldNode[]>();
    const spread = new Set<string>();
    // [a part of this set, whether it came through a fragment spread (its own sets are visited with that fragment)]
    const parts: Array<[SelectionSetNode, boolean]> = [[sets.pop()!, false]];
    while (parts.length > 0) {
      const [part, viaSpread] = parts.pop()!;
      for (const selection of part.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.alias?.value ?? selection.name.value;
          const same = byName.get(name);
          if (same) same.push(selection);
          else byName.set(name, [selection]);
          if (selection.selectionSet && !viaSpread) sets.push(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          parts.push([selection.selectionSet, viaSpread]);
        } else if (!spread.has(selection.name.value)) {
          spread.add(selection.name.value);
          const fragment = fragments.get(selection.name.value);
          if (fragment) parts.push([fragment.selectionSet, true]);
        }
      }
    }
    for (const fields of byName.values()) {
      if (fields.length < 2) continue;
      const below = fields.reduce((n, field) => n + selectionsBelow(field.selectionSet), 0) / fields.length;
      merges += ((fields.length * (fields.length - 1)) / 2) * (1 + below);
      if (merges > budget) return merges;
    }
  }
  return merges;
}

/** Selections written below a selection set (spreads count one each: what they bring is bounded by maxFields). */
function selectionsBelow(set: SelectionSetNode | undefined): number {
  let count = 0;
  const stack = set ? [set] : [];
  while (stack.length > 0) {
    for (const selection of stack.pop()!.selections) {
      count += 1;
      if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) stack.push(selection.selectionSet);
    }
  }
  return count;
}

function countVariableDirectives(definition: DefinitionNode): number {
  if (definition.kind !== Kind.OPERATION_DEFINITION) return 0;
  return (definition.variableDefinitions ?? []).reduce((n, v) => n + (v.directives?.length ?? 0), 0);
}

/** Literals outside the selections: variable defaults and the definition's own directive arguments. */
function definitionValues(definition: DefinitionNode): ValueNode[] {
  if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) return [];
  const values = (definition.directives ?? []).flatMap((d) => (d.arguments ?? []).map((a) => a.value));
  if (definition.kind === Kind.OPERATION_DEFINITION) {
    for (const variable of definition.variableDefinitions ?? []) if (variable.defaultValue) values.push(variable.defaultValue);
  }
  return values;
}

function hasNullByte(values: ValueNode[]): boolean {
  const stack = [...values];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (value.kind === Kind.STRING && value.value.includes('\0')) return true;
    if (value.kind === Kind.LIST) stack.push(...value.values);
    if (value.kind === Kind.OBJECT) stack.push(...value.fields.map((f) => f.value));
  }
  return false;
}

interface Size { selections: number; depth: number; aliases: number }

function expandedSize(shape: DefinitionShape, expanded: Map<string, Size>): Size {
  let { selections, depth, aliases } = shape;
  for (const spread of shape.spreads) {
    const inner = expanded.get(spread.name);
    if (!inner) continue; // unknown fragment: validation reports it
    selections += inner.selections;
    aliases += inner.aliases;
    depth = Math.max(depth, spread.depth - 1 + inner.depth);
  }
  return { selections, depth, aliases };
}

/** Each fragment's size with its spreads expanded, in dependency order (iterative DFS); a cycle is an error. */
function expandFragments(fragments: Map<string, DefinitionShape>): Map<string, Size> | GraphQLError {
  const done = new Map<string, Size>();
  const onPath = new Set<string>();
  for (const start of fragments.keys()) {
    if (done.has(start)) continue;
    const stack: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    onPath.add(start);
    while (stack.length > 0) {
      const frame = stack.at(-1)!;
      const shape = fragments.get(frame.name)!;
      if (frame.next < shape.spreads.length) {
        const child = shape.spreads[frame.next]!.name;
        frame.next += 1;
        if (onPath.has(child)) return limitError(`fragment ${child} spreads itself (a cycle)`, 'FRAGMENT_CYCLE');
        if (!done.has(child) && fragments.has(child)) {
          onPath.add(child);
          stack.push({ name: child, next: 0 });
        }
        continue;
      }
      done.set(frame.name, expandedSize(shape, done));
      onPath.delete(frame.name);
      stack.pop();
    }
  }
  return done;
}
