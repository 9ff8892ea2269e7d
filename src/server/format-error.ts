import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError } from '../domain/errors.js';
import { VendorError } from '../sources/http/vendor-error.js';
import { logger } from '../observability/logger.js';
import { resolverErrors } from '../observability/metrics.js';

/**
 * The one place errors leave the hub: known errors (GraphQL and domain errors) keep their code and message; vendor failures say
 * which vendor/source and why (already redacted); anything else becomes INTERNAL_SERVER_ERROR with a
 * generic message. Stack traces only in development mode.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, development: boolean): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  let result: GraphQLFormattedError;
  if (original instanceof VendorError) {
    result = {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, vendor: original.vendor, source: original.sourceName, ...(original.status ? { status: original.status } : {}) },
    };
  } else if (original instanceof DomainError) {
    // Thrown below the GraphQL layer (services, stores, flows): its code, message and extensions, as a GraphQL error's.
    result = { message: original.message, locations: formatted.locations, path: formatted.path, extensions: { ...original.extensions } };
  } else if (original instanceof GraphQLError || formatted.extensions?.code && formatted.extensions.code !== 'INTERNAL_SERVER_ERROR') {
    const { stacktrace: _stack, http: _http, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    result = { ...formatted, extensions: { ...extensions, code: extensions.code ?? 'INTERNAL_SERVER_ERROR' } };
  } else {
    logger.error({ err: original }, 'unexpected error in a resolver');
    result = { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  if (development && original instanceof Error && original.stack) {
    result = { ...result, extensions: { ...result.extensions, stacktrace: original.stack.split('\n') } };
  }
  resolverErrors.inc({ code: String(result.extensions?.code ?? 'UNKNOWN') });
  return result;
}

/** Drops graphql-js's "Did you mean …?" (schema names) from a message; Apollo's hideSchemaDetailsFromClientErrors does the same over HTTP. */
export function hideSchemaDetails(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, '');
}
