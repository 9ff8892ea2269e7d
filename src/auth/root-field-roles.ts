import type { GraphQLSchema } from 'graphql';
import { Extensions } from 'type-graphql';
import type { Role } from './roles.js';

/**
 * The role a root field requires, declared beside the field with `@MinRole(…)` on its resolver method (kept in the
 * field's GraphQL extensions). The server refuses to start when a root field of the schema has none (fail closed).
 * `PUBLIC` marks a field that needs no token — none today.
 */
export type FieldPolicy = Role | 'PUBLIC';

const EXTENSION = 'minRole';

/** Declares the least role that may select this Query, Mutation or Subscription field (checked per operation). */
export function MinRole(policy: FieldPolicy): MethodDecorator {
  return Extensions({ [EXTENSION]: policy });
}

const POLICIES: readonly FieldPolicy[] = ['PUBLIC', 'VIEWER', 'OPERATOR', 'ADMIN'];

/** `Type.field` → its declared policy, for every root field of the schema that declares one. */
export function rootFieldRoles(schema: GraphQLSchema): Record<string, FieldPolicy> {
  const roles: Record<string, FieldPolicy> = {};
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!type) continue;
    for (const [name, field] of Object.entries(type.getFields())) {
      const policy = field.extensions?.[EXTENSION];
      if (POLICIES.includes(policy as FieldPolicy)) roles[`${type.name}.${name}`] = policy as FieldPolicy;
    }
  }
  return roles;
}
