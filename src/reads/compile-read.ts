import { createHash } from 'node:crypto';
import {
  getArgumentValues, getNamedType, getVariableValues, GraphQLObjectType, Kind,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import type pg from 'pg';
import type { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { INCIDENT_ORDER, incidentsQuery, TICKET_ORDER, ticketsQuery } from '../resolvers/page-queries.js';
import { cursorFor, DEFAULT_PAGE, keysetPage, MAX_PAGE, type KeysetOptions } from '../store/paginate.js';
import { RawJson } from './raw-json.js';
import { TYPES, type Relation } from './read-sql.js';

/*
 * Compiles a query's root pages (`tickets`, `incidents`) whose every field the read path can answer from the database
 * (read-sql.ts) into one SQL statement per root page (and one for its totalCount) that builds each page row's JSON in
 * PostgreSQL (json_build_object, json_agg over correlated subqueries), so the hub runs no resolver per field. The
 * operation's other root fields are left to the resolvers (`rest`). Anything it cannot compile exactly under a root
 * page (a computed field, an `after` on a nested list, a directive, an argument error), or an operation with no
 * root page, returns null and the operation takes the resolver path, which answers (or fails) as it always did.
 */

type Json = unknown;
type Fields = Map<string, FieldNode[]>;

export interface CompiledRead {
  /** Runs the statements (one per root page, and one more for its totalCount, all in parallel) and assembles their part of `data`, each row's JSON as PostgreSQL wrote it. */
  run(pool: pg.Pool): Promise<Record<string, Json>>;
  /**
   * The operation's other root fields (`viewer`, `sources`, `jobs`…), as a document of their own for the resolvers to
   * execute beside the statements; null when every root field compiled.
   */
  rest: DocumentNode | null;
  /** Every root response key, in the operation's order (the compiled ones and the rest's). */
  keys: string[];
}

interface RootPage {
  type: string;
  order: KeysetOptions;
  query: (dataSource: DataSource, filter: never) => SelectQueryBuilder<ObjectLiteral>;
}

const ROOT_PAGES: Record<string, RootPage> = {
  incidents: { type: 'Incident', order: INCIDENT_ORDER, query: incidentsQuery as RootPage['query'] },
  tickets: { type: 'Ticket', order: TICKET_ORDER, query: ticketsQuery as RootPage['query'] },
};

/** json_build_object takes at most 100 arguments. */
const MAX_KEYS = 50;

class NotCompilable extends Error {}
const refuse = (why: string): never => {
  throw new NotCompilable(why);
};

export function compileRead(
  schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, dataSource: DataSource,
): CompiledRead | null {
  if (operation.operation !== 'query') return null;
  try {
    return new Compiler(schema, document, operation, variables, dataSource).compile();
  } catch {
    // NotCompilable, or an argument error the resolver path will report in its own words.
    return null;
  }
}

class Compiler {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly variableValues: Record<string, unknown>;
  private aliases = 0;

  constructor(
    private readonly schema: GraphQLSchema, private readonly document: DocumentNode, private readonly operation: OperationDefinitionNode,
    variables: Record<string, unknown> | undefined, private readonly dataSource: DataSource,
  ) {
    for (const d of this.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(d.name.value, d);
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
    if (coerced.errors) refuse('variables');
    this.variableValues = coerced.coerced!;
  }

  compile(): CompiledRead {
    const queryType = this.schema.getQueryType()!;
    const roots: Array<[string, (pool: pg.Pool) => Promise<Json>]> = [];
    const rest: FieldNode[] = [];
    const keys: string[] = [];
    let pages = 0;
    for (const [key, nodes] of this.collect(queryType, selectionSets(this.operation.selectionSet))) {
      keys.push(key);
      const name = nodes[0]!.name.value;
      if (name === '__typename') {
        roots.push([key, async () => queryType.name]);
        continue;
      }
      const page = ROOT_PAGES[name];
      if (page) {
        pages += 1;
        roots.push([key, this.rootPage(page, queryType.getFields()[name]!.type, nodes)]);
      } else rest.push(...nodes);
    }
    // Nothing to answer in SQL: the resolver path does it all.
    if (pages === 0) refuse('no root page');
    return {
      async run(pool) {
        const values = await Promise.all(roots.map(([, run]) => run(pool)));
        return Object.fromEntries(roots.map(([key], i) => [key, values[i]]));
      },
      rest: rest.length === 0 ? null : this.restDocument(rest),
      keys,
    };
  }

  /** The document with the operation's root selection cut down to `fields` (its fragments kept, for nested spreads). */
  private restDocument(fields: FieldNode[]): DocumentNode {
    const selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: fields };
    return { ...this.document, definitions: this.document.definitions.map((d) => (d === this.operation ? { ...this.operation, selectionSet } : d)) };
  }

  /** A root connection: its page's SQL (the resolver's own query builder), one JSON column per node selection. */
  private rootPage(page: RootPage, connectionType: unknown, nodes: FieldNode[]): (pool: pg.Pool) => Promise<Json> {
    const connection = objectType(connectionType);
    const args = getArgumentValues(this.schema.getQueryType()!.getFields()[nodes[0]!.name.value]!, nodes[0]!, this.variableValues);
    const { query, first } = keysetPage(page.query(this.dataSource, args.filter as never), { first: args.first as number | null, after: args.after as string | null }, page.order);
    const [inner, parameters] = query.getQueryAndParameters();
    const column = (qualified: string) => `page."${qualified.replace('.', '_')}"`;
    const row = this.alias();
    const jsonColumns: string[] = [];
    const nodeColumn = (objectFields: Fields) => {
      jsonColumns.push(`${this.object(page.type, objectFields, row)}::text AS j${jsonColumns.length}`);
      return `j${jsonColumns.length - 1}`;
    };

    type Part = (rows: Array<Record<string, Json>>, hasNextPage: boolean, total: number | null) => Json;
    const cursor = (r: Record<string, Json>) => cursorFor(r.sort, r.key);
    const parts: Array<[string, Part]> = [];
    let counted = false;
    for (const [key, fieldNodes] of this.collect(connection, selectionSets(...nodes.map((n) => n.selectionSet)))) {
      const name = fieldNodes[0]!.name.value;
      const sub = selectionSets(...fieldNodes.map((n) => n.selectionSet));
      if (name === '__typename') parts.push([key, () => connection.name]);
      else if (name === 'totalCount') {
        counted = true;
        parts.push([key, (_rows, _hasNextPage, total) => total]);
      }
      else if (name === 'nodes') {
        const j = nodeColumn(this.collect(objectType(connection.getFields().nodes!.type), sub));
        parts.push([key, (rows) => rows.map((r) => new RawJson(r[j] as string))]);
      } else if (name === 'edges') {
        const edgeType = objectType(connection.getFields().edges!.type);
        const edge: Array<[string, (r: Record<string, Json>) => Json]> = [];
        for (const [edgeKey, edgeNodes] of this.collect(edgeType, sub)) {
          const edgeField = edgeNodes[0]!.name.value;
          if (edgeField === '__typename') edge.push([edgeKey, () => edgeType.name]);
          else if (edgeField === 'cursor') edge.push([edgeKey, cursor]);
          else if (edgeField === 'node') {
            const j = nodeColumn(this.collect(objectType(edgeType.getFields().node!.type), selectionSets(...edgeNodes.map((n) => n.selectionSet))));
            edge.push([edgeKey, (r) => new RawJson(r[j] as string)]);
          } else refuse(`${edgeType.name}.${edgeField}`);
        }
        parts.push([key, (rows) => rows.map((r) => Object.fromEntries(edge.map(([k, value]) => [k, value(r)])))]);
      } else if (name === 'pageInfo') {
        const infoType = objectType(connection.getFields().pageInfo!.type);
        const info: Array<[string, Part]> = [];
        for (const [infoKey, infoNodes] of this.collect(infoType, sub)) {
          const infoField = infoNodes[0]!.name.value;
          if (infoField === '__typename') info.push([infoKey, () => infoType.name]);
          else if (infoField === 'hasNextPage') info.push([infoKey, (_rows, hasNextPage) => hasNextPage]);
          else if (infoField === 'hasPreviousPage') info.push([infoKey, () => Boolean(args.after)]);
          else if (infoField === 'startCursor') info.push([infoKey, (rows) => (rows.length > 0 ? cursor(rows[0]!) : null)]);
          else if (infoField === 'endCursor') info.push([infoKey, (rows) => (rows.length > 0 ? cursor(rows[rows.length - 1]!) : null)]);
          else refuse(`${infoType.name}.${infoField}`);
        }
        parts.push([key, (rows, hasNextPage) => Object.fromEntries(info.map(([k, value]) => [k, value(rows, hasNextPage, null)]))]);
      } else refuse(`${connection.name}.${name}`);
    }

    const { sortColumn, keyColumn, direction } = page.order;
    const sql = `SELECT ${column(sortColumn)} AS sort, ${column(keyColumn)} AS key${jsonColumns.map((c) => `, ${c}`).join('')}
      FROM (${inner}) page JOIN ${TYPES[page.type]!.table} ${row} ON ${row}.id = ${column(keyColumn)}
      ORDER BY ${column(sortColumn)} ${direction}, ${column(keyColumn)} ${direction}`;
    const statement = preparedStatement(sql, parameters);
    // totalCount: the filtered rows, whatever the page (its own statement, sent beside the page's).
    const count = counted ? countStatement(page.query(this.dataSource, args.filter as never)) : null;
    return async (pool) => {
      const [{ rows }, total] = await Promise.all([
        pool.query(statement),
        count ? pool.query(count).then((result) => result.rows[0].n as number) : null,
      ]);
      const hasNextPage = rows.length > first;
      if (hasNextPage) rows.length = first;
      return Object.fromEntries(parts.map(([key, part]) => [key, part(rows, hasNextPage, total)]));
    };
  }

  /** json_build_object of the selected fields of a `type` row aliased `a`. */
  private object(type: string, fields: Fields, a: string): string {
    const sql = TYPES[type] ?? refuse(type);
    const graphType = this.schema.getType(type) as GraphQLObjectType;
    if (fields.size > MAX_KEYS) refuse('too many fields');
    const pairs: string[] = [];
    for (const [key, nodes] of fields) {
      const name = nodes[0]!.name.value;
      let value: string;
      if (name === '__typename') value = literal(type);
      else if (sql.columns[name]) value = sql.columns[name]!(a);
      else if (sql.relations[name]) {
        const field = graphType.getFields()[name]!;
        value = this.relation(sql.relations[name]!, field.type, getArgumentValues(field, nodes[0]!, this.variableValues), nodes, a);
      } else return refuse(`${type}.${name}`);
      pairs.push(`${literal(key)}, ${value}`);
    }
    return `json_build_object(${pairs.join(', ')})`;
  }

  private relation(relation: Relation, fieldType: unknown, args: Record<string, unknown>, nodes: FieldNode[], p: string): string {
    const c = this.alias();
    const l = this.alias();
    const from = relation.from(c, p, l);
    const order = relation.order ? relation.order(c, l) : null;
    const selection = selectionSets(...nodes.map((n) => n.selectionSet));
    if (relation.shape === 'one') return `(SELECT ${this.object(relation.type, this.collect(objectType(fieldType), selection), c)} FROM ${from})`;
    if (relation.shape === 'list') {
      return `coalesce((SELECT json_agg(${this.object(relation.type, this.collect(objectType(fieldType), selection), c)} ORDER BY ${order!.join(', ')}) FROM ${from}), '[]'::json)`;
    }
    // A nested connection: `first` (default 50) of the loader's order; `after`, edges and pageInfo take the resolver path.
    if (args.after != null) refuse('after');
    const first = (args.first as number | null | undefined) ?? DEFAULT_PAGE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) refuse('first');
    const connection = objectType(fieldType);
    const pairs: string[] = [];
    for (const [key, fieldNodes] of this.collect(connection, selection)) {
      const name = fieldNodes[0]!.name.value;
      const sub = selectionSets(...fieldNodes.map((n) => n.selectionSet));
      if (name === '__typename') pairs.push(`${literal(key)}, ${literal(connection.name)}`);
      else if (name === 'totalCount') pairs.push(`${literal(key)}, (SELECT count(*) FROM ${relation.from(c, p, l)})`);
      else if (name === 'nodes') {
        const json = this.object(relation.type, this.collect(objectType(connection.getFields().nodes!.type), sub), c);
        // The first `first` rows, aggregated in the same order (their order keys carried out of the cut).
        const cut = this.alias();
        const keys = order!.map((o, i) => `${o} AS o${i}`).join(', ');
        pairs.push(`${literal(key)}, coalesce((SELECT json_agg(${cut}.j ORDER BY ${order!.map((_o, i) => `${cut}.o${i}`).join(', ')})
          FROM (SELECT ${json} AS j, ${keys} FROM ${from} ORDER BY ${order!.join(', ')} LIMIT ${first}) ${cut}), '[]'::json)`);
      } else refuse(`${connection.name}.${name}`);
    }
    return `json_build_object(${pairs.join(', ')})`;
  }

  /** The fields a selection selects on `type`, by response key (fragments applied; a directive anywhere refuses). */
  private collect(type: GraphQLObjectType, selectionSets: SelectionSetNode[], into: Fields = new Map()): Fields {
    for (const set of selectionSets) {
      for (const selection of set.selections) {
        if (selection.directives?.length) refuse('directive');
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const list = into.get(key);
          if (list) list.push(selection);
          else into.set(key, [selection]);
        } else {
          const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments.get(selection.name.value) ?? refuse('fragment');
          const condition = fragment.typeCondition?.name.value;
          if (condition && condition !== type.name && !type.getInterfaces().some((i) => i.name === condition)) continue;
          this.collect(type, [fragment.selectionSet], into);
        }
      }
    }
    return into;
  }

  private alias(): string {
    return `r${this.aliases++}`;
  }
}

/**
 * The statement, named so each pooled connection parses and plans a dashboard's statement once (planning the nested
 * subqueries costs PostgreSQL more than running them). At most PREPARED distinct texts are named, which bounds the
 * statements each connection keeps; later ones go unnamed.
 */
const PREPARED = 256;
const prepared = new Map<string, string>();
function preparedStatement(text: string, values: unknown[]): pg.QueryConfig {
  let name = prepared.get(text);
  if (!name && prepared.size < PREPARED) {
    name = `read-${createHash('sha1').update(text).digest('base64url')}`;
    prepared.set(text, name);
  }
  return name ? { name, text, values } : { text, values };
}

/** The count of a root page's filtered rows (as the resolvers' getCount counts them: the root queries join nothing). */
function countStatement(query: SelectQueryBuilder<ObjectLiteral>): pg.QueryConfig {
  const [inner, values] = query.getQueryAndParameters();
  return preparedStatement(`SELECT count(*)::int AS n FROM (${inner}) counted`, values);
}

function selectionSets(...sets: Array<SelectionSetNode | undefined>): SelectionSetNode[] {
  return sets.filter((s): s is SelectionSetNode => s !== undefined);
}

function objectType(type: unknown): GraphQLObjectType {
  const named: unknown = getNamedType(type as never);
  return named instanceof GraphQLObjectType ? named : refuse(`${String(named)} is not an object type`);
}

/** A SQL string literal (response keys and type names are GraphQL names, but quote them properly anyway). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
