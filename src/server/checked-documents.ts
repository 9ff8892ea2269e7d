import { GraphQLError, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { parseWithinLimits, type DocumentLimits } from './document-limits.js';

/** Documents up to this long are remembered (a subscription's is a few hundred bytes). */
const MAX_REMEMBERED_LENGTH = 4_096;
/** Documents remembered at most, least recently used forgotten first. */
const MAX_REMEMBERED = 256;

/**
 * graphql-ws's counterpart of Apollo's document cache: a subscribe's document parsed within the limits and validated,
 * remembered by its text. A dashboard's sockets (and a client repeating one document on its socket) pay for the
 * parse and the validation once; what depends on the caller (role, variables) is checked per subscribe.
 */
export class CheckedDocuments {
  private readonly remembered = new Map<string, DocumentNode | GraphQLError[]>();

  constructor(private readonly schema: GraphQLSchema, private readonly rules: ValidationRule[], private readonly limits: DocumentLimits) {}

  /** The document, or why it is refused (a limit, a parse error, validation errors). */
  check(query: unknown): DocumentNode | GraphQLError[] {
    const key = typeof query === 'string' && query.length <= MAX_REMEMBERED_LENGTH ? query : null;
    if (key !== null) {
      const known = this.remembered.get(key);
      if (known) {
        this.remembered.delete(key);
        this.remembered.set(key, known);
        return known;
      }
    }
    const checked = this.checkAnew(query);
    if (key !== null) {
      this.remembered.set(key, checked);
      if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
    }
    return checked;
  }

  private checkAnew(query: unknown): DocumentNode | GraphQLError[] {
    // Variables are checked per subscribe (null bytes included), not here.
    const document = parseWithinLimits(query, undefined, this.limits);
    if (document instanceof GraphQLError) return [document];
    const errors = validate(this.schema, document, [...specifiedRules, ...this.rules]);
    if (errors.length === 0) return document;
    return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...e.extensions } }));
  }
}
