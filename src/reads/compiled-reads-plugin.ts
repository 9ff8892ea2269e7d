import type { ApolloServerPlugin } from '@apollo/server';
import { execute, type GraphQLSchema } from 'graphql';
import { poolOf } from '../db/data-source.js';
import { logger } from '../observability/logger.js';
import type { GraphContext } from '../resolvers/context.js';
import { compileRead, type CompiledRead } from './compile-read.js';
import { markRawJson } from './raw-json.js';

/** Compiled reads kept per schema, by operation text and variables (a dashboard repeats its few queries). */
const CACHED = 500;
const LONGEST_KEY = 20_000;
const cache = new WeakMap<GraphQLSchema, Map<string, CompiledRead | null>>();

/**
 * Answers a query's root pages the read compiler can compile (compile-read.ts) from their SQL, after authorization
 * (didResolveOperation) and instead of field-by-field execution; its other root fields (a dashboard's `viewer`,
 * `sources`, `jobs`) are executed by the resolvers at the same time. Any other operation, one whose statement fails,
 * or one whose other root fields answer an error takes the resolver path.
 */
export function compiledReadsPlugin(): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ schema, document, operation, request, source, contextValue, response }) {
          // Apollo asks even when the operation name matched none (`operation` undefined): execution reports that.
          if (operation?.operation !== 'query') return null;
          const key = cacheKey(request.operationName, source, request.variables);
          if (key === null) return null;
          let plans = cache.get(schema);
          if (!plans) cache.set(schema, plans = new Map());
          let compiled = plans.get(key);
          if (compiled === undefined) {
            compiled = compileRead(schema, document, operation, request.variables, contextValue.hub.dataSource);
            if (key.length <= LONGEST_KEY) {
              if (plans.size >= CACHED) plans.delete(plans.keys().next().value!);
              plans.set(key, compiled);
            }
          }
          if (!compiled) return null;
          try {
            const [pages, rest] = await Promise.all([
              compiled.run(poolOf(contextValue.hub.dataSource)),
              compiled.rest ? execute({ schema, document: compiled.rest, operationName: request.operationName, variableValues: request.variables, contextValue }) : null,
            ]);
            // An error among the other root fields: the resolver path answers the whole operation, so its errors are
            // formatted (and its partial data nulled) exactly as always.
            if (rest && (rest.errors?.length || !rest.data)) return null;
            const data = Object.fromEntries(compiled.keys.map((key) => [key, key in pages ? pages[key] : rest!.data![key]]));
            return { http: response.http, body: { kind: 'single', singleResult: { data: markRawJson(data) } } };
          } catch (error) {
            logger.warn({ err: error, operation: operation.name?.value }, 'compiled read failed; answering through the resolvers');
            return null;
          }
        },
      };
    },
  };
}

/** The operation's text and variables, or null for variables JSON cannot write again (too deep, say): not compiled. */
function cacheKey(operationName: string | undefined, source: string, variables: Record<string, unknown> | undefined): string | null {
  try {
    return `${operationName ?? ''}\0${source}\0${JSON.stringify(variables ?? {})}`;
  } catch {
    return null;
  }
}
