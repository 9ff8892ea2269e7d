import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, Kind } from 'graphql';
import { roleAllows, type Role } from './roles.js';
import { rootFieldRoles, type FieldPolicy } from './root-field-roles.js';

/** Policies read once per schema (a schema is built once per process). */
const policiesBySchema = new WeakMap<GraphQLSchema, Record<string, FieldPolicy>>();

function policyOf(schema: GraphQLSchema): Record<string, FieldPolicy> {
  let policy = policiesBySchema.get(schema);
  if (!policy) {
    policy = rootFieldRoles(schema);
    policiesBySchema.set(schema, policy);
  }
  return policy;
}

export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}

/**
 * Refuses to build a server whose schema has a root field without a role decision (`@MinRole` on its resolver), or a
 * policy naming a field the schema lacks (stale). The policy defaults to the schema's own declarations.
 */
export function assertEveryRootFieldHasARole(schema: GraphQLSchema, policy: Record<string, FieldPolicy> = rootFieldRoles(schema)): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!type) continue;
    for (const field of Object.keys(type.getFields())) {
      const key = `${type.name}.${field}`;
      seen.add(key);
      if (!(key in policy)) problems.push(`${key} has no role decision`);
    }
  }
  for (const key of Object.keys(policy)) if (!seen.has(key)) problems.push(`${key} is in the role policy but not in the schema`);
  if (problems.length > 0) throw new Error(`refusing to start: authorization policy is incomplete:\n${problems.join('\n')}`);
}

/**
 * Checks every root field an operation selects (through fragments too) against the role policy.
 * Unauthenticated → UNAUTHENTICATED (401); insufficient role → FORBIDDEN (403).
 */
export function authorizeOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, principal: Principal | null): void {
  const rootFieldRoles = policyOf(schema);
  const typeName = operation.operation === 'query' ? 'Query' : operation.operation === 'mutation' ? 'Mutation' : 'Subscription';
  const fields = rootFields(document, operation.selectionSet);
  for (const field of fields) {
    if (field === '__typename' || field === '__schema' || field === '__type') {
      if (!principal) throw unauthenticated();
      continue;
    }
    const required = rootFieldRoles[`${typeName}.${field}`];
    if (required === undefined) throw forbidden(`${typeName}.${field} has no role decision`);
    if (required === 'PUBLIC') continue;
    if (!principal) throw unauthenticated();
    if (!roleAllows(principal.role, required)) throw forbidden(`${typeName}.${field} requires role ${required}; this token has ${principal.role}`);
  }
}

function rootFields(document: DocumentNode, selectionSet: SelectionSetNode, visited = new Set<string>()): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) names.push(...rootFields(document, selection.selectionSet, visited));
    else if (selection.kind === Kind.FRAGMENT_SPREAD && !visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
      if (fragment && fragment.kind === Kind.FRAGMENT_DEFINITION) names.push(...rootFields(document, fragment.selectionSet, visited));
    }
  }
  return names;
}

export function unauthenticated(message = 'a valid API token is required (Authorization: Bearer …)'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}
