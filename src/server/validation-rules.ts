import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ValidationRule } from 'graphql';
import type { HubConfig } from '../config/hub-config.js';

/** Depth, alias and cost limits, applied to HTTP operations and WebSocket subscriptions alike. */
export function limitRules(server: HubConfig['server']): ValidationRule[] {
  return [
    maxDepthRule({ n: server.maxDepth, ignoreIntrospection: true, exposeLimits: true }) as unknown as ValidationRule,
    maxAliasesRule({ n: server.maxAliases, exposeLimits: true }) as unknown as ValidationRule,
    costLimitRule({ maxCost: server.maxCost, ignoreIntrospection: true, exposeLimits: true }) as unknown as ValidationRule,
  ];
}
