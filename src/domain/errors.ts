/** The codes a domain error carries to the API (`extensions.code` of the GraphQL error it becomes). */
export type DomainErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FAILED_PRECONDITION';

/**
 * An error the API reports as it is: the code and message reach the client unchanged, with the extra
 * `extensions` (e.g. `argument`). Services, stores and flows throw these, never a GraphQL error; the GraphQL edge
 * maps them (graphql-js keeps `extensions` on the error it wraps, and server/format-error.ts passes them on).
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly extensions: { code: DomainErrorCode } & Record<string, unknown>;

  constructor(message: string, options: { extensions: { code: DomainErrorCode } & Record<string, unknown> }) {
    super(message);
    this.extensions = options.extensions;
  }

  get code(): DomainErrorCode {
    return this.extensions.code;
  }
}

/** BAD_USER_INPUT, naming the argument when there is one. */
export function badUserInput(message: string, argument?: string): DomainError {
  return new DomainError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } });
}

export function notFound(message: string): DomainError {
  return new DomainError(message, { extensions: { code: 'NOT_FOUND' } });
}
