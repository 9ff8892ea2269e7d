import { GraphQLError } from 'graphql';
import * as domain from '../domain/errors.js';

/** A domain error as the GraphQL error the API returns: same message, same `extensions` (code, argument). */
export function toGraphQLError(error: domain.DomainError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { ...error.extensions } });
}

/** For the GraphQL edge (resolvers, the graphql-ws server), which hands back GraphQL errors itself. */
export function badUserInput(message: string, argument?: string): GraphQLError {
  return toGraphQLError(domain.badUserInput(message, argument));
}

export function notFound(message: string): GraphQLError {
  return toGraphQLError(domain.notFound(message));
}
