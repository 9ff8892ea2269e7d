import type { ApolloServerPlugin } from '@apollo/server';
import { poolOf } from '../db/data-source.js';
import { logger } from '../observability/logger.js';
import type { GraphContext } from '../resolvers/context.js';
import { compileRead } from './compile-read.js';

/**
 * Answers a query the read compiler can compile (compile-read.ts) from its SQL, after authorization
 * (didResolveOperation) and instead of field-by-field execution; any other operation, or one whose statement fails,
 * takes the resolver path.
 */
export function compiledReadsPlugin(): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ schema, document, operation, request, contextValue, response }) {
          const compiled = compileRead(schema, document, operation, request.variables, contextValue.hub.dataSource);
          if (!compiled) return null;
          try {
            const data = await compiled.run(poolOf(contextValue.hub.dataSource));
            return { http: response.http, body: { kind: 'single', singleResult: { data } } };
          } catch (error) {
            logger.warn({ err: error, operation: operation.name?.value }, 'compiled read failed; answering through the resolvers');
            return null;
          }
        },
      };
    },
  };
}
