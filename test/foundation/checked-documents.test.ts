import type { GraphQLSchema } from 'graphql';
import { hubConfigSchema } from '../../src/config/hub-config.js';
import { CheckedDocuments } from '../../src/server/checked-documents.js';
import { buildGraphSchema } from '../../src/server/graph-schema.js';
import { limitRules } from '../../src/server/validation-rules.js';

/** graphql-ws's document cache: a subscribe's document is parsed and validated once per text, refusals included. */
let schema: GraphQLSchema;
const server = hubConfigSchema.parse({}).server;

beforeAll(async () => {
  schema = await buildGraphSchema();
});

describe('checked documents (graphql-ws)', () => {
  it('parses and validates a document once: the same text gives the same document', () => {
    const checked = new CheckedDocuments(schema, limitRules(server), server);
    const text = 'subscription { syncEvents { cursor kind } }';
    const first = checked.check(text);
    expect(Array.isArray(first)).toBe(false);
    expect(checked.check(text)).toBe(first);
    expect(checked.check(`${text} `)).not.toBe(first);
  });

  it('remembers refusals too, each with its code', () => {
    const checked = new CheckedDocuments(schema, limitRules(server), server);
    const invalid = checked.check('subscription { noSuchField }');
    expect(Array.isArray(invalid) && invalid.map((e) => e.extensions.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(checked.check('subscription { noSuchField }')).toBe(invalid);
    const repeated = checked.check(`{ ${'viewer { name } '.repeat(100)}}`);
    expect(Array.isArray(repeated) && repeated[0]!.extensions.code).toBe('TOO_MANY_REPEATED_FIELDS');
    const missing = checked.check(undefined);
    expect(Array.isArray(missing) && missing[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  it('does not keep long documents, and forgets the least recently used beyond 256', () => {
    const checked = new CheckedDocuments(schema, limitRules(server), server);
    const long = `subscription { syncEvents { cursor } } #${'x'.repeat(5_000)}`;
    expect(checked.check(long)).not.toBe(checked.check(long));
    const first = checked.check('subscription { syncEvents { cursor } }');
    for (let i = 0; i < 256; i += 1) checked.check(`subscription { syncEvents { cursor } } #${i}`);
    expect(checked.check('subscription { syncEvents { cursor } }')).not.toBe(first);
  });
});
