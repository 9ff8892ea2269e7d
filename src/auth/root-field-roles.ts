import type { Role } from './roles.js';

/**
 * The role each root field requires. The server refuses to start when a root field of the schema is
 * missing here (fail closed), and when an entry names a field that no longer exists (stale policy).
 * `PUBLIC` marks a field that needs no token — none today.
 */
export type FieldPolicy = Role | 'PUBLIC';

export const rootFieldRoles: Record<string, FieldPolicy> = {
  // Queries
  'Query.node': 'VIEWER',
  'Query.nodes': 'VIEWER',
  'Query.sources': 'VIEWER',
  'Query.tickets': 'VIEWER',
  'Query.incidents': 'VIEWER',
  'Query.indicators': 'VIEWER',
  'Query.indicator': 'VIEWER',
  'Query.syncEvents': 'VIEWER',
  'Query.jobs': 'VIEWER',
  'Query.viewer': 'VIEWER',
  'Query.apiTokens': 'ADMIN',
  'Query.extractIndicators': 'VIEWER',
  'Query.threatData': 'VIEWER',
  'Query.threatInvestigations': 'VIEWER',
  'Query.threatBulletins': 'VIEWER',
  'Query.indicatorTypeMappings': 'VIEWER',
  // Mutations
  'Mutation.runJob': 'OPERATOR',
  'Mutation.updateSource': 'ADMIN',
  'Mutation.createApiToken': 'ADMIN',
  'Mutation.revokeApiToken': 'ADMIN',
  'Mutation.closeTicket': 'OPERATOR',
  'Mutation.closeIncident': 'OPERATOR',
  'Mutation.createCftrIncident': 'OPERATOR',
  'Mutation.setIndicatorTypeMapping': 'ADMIN',
  'Mutation.removeIndicatorTypeMapping': 'ADMIN',
  'Mutation.enrichIndicators': 'OPERATOR',
  // Subscriptions
  'Subscription.syncEvents': 'VIEWER',
};
