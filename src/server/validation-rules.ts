import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { HubConfig } from '../config/hub-config.js';

/**
 * Depth, alias and cost limits, applied to HTTP operations and WebSocket subscriptions alike. A refusal
 * is reported as an ordinary validation error (code GRAPHQL_VALIDATION_FAILED, HTTP 400; graphql-armor
 * would otherwise throw, which surfaces as a 500).
 */
export function limitRules(server: HubConfig['server']): ValidationRule[] {
  return [
    maxDepthRule({ n: server.maxDepth, ignoreIntrospection: true, exposeLimits: true, ...report() }),
    maxAliasesRule({ n: server.maxAliases, exposeLimits: true, ...report() }),
    costLimitRule({ maxCost: server.maxCost, ignoreIntrospection: true, exposeLimits: true, ...report() }),
  ] as unknown as ValidationRule[];
}

function report() {
  return {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => {
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
    }],
  };
}
