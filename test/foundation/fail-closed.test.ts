import { assertEveryRootFieldHasARole } from '../../src/auth/authorize-operation.js';
import { rootFieldRoles } from '../../src/auth/root-field-roles.js';
import { buildGraphSchema } from '../../src/server/graph-schema.js';

describe('authorization fails closed', () => {
  it('accepts the shipped schema with its policy', async () => {
    const schema = await buildGraphSchema();
    expect(() => assertEveryRootFieldHasARole(schema)).not.toThrow();
  });

  it('refuses to start when a root field has no role decision', async () => {
    const schema = await buildGraphSchema();
    const { ['Mutation.runJob']: _dropped, ...incomplete } = rootFieldRoles;
    expect(() => assertEveryRootFieldHasARole(schema, incomplete)).toThrow(/Mutation\.runJob has no role decision/);
  });

  it('refuses a policy entry for a field that no longer exists', async () => {
    const schema = await buildGraphSchema();
    expect(() => assertEveryRootFieldHasARole(schema, { ...rootFieldRoles, 'Query.gone': 'VIEWER' })).toThrow(/Query\.gone is in the role policy but not in the schema/);
  });
});
