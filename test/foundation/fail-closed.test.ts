import 'reflect-metadata';
import { Query, Resolver, buildSchema } from 'type-graphql';
import { assertEveryRootFieldHasARole } from '../../src/auth/authorize-operation.js';
import { MinRole, rootFieldRoles } from '../../src/auth/root-field-roles.js';
import { buildGraphSchema } from '../../src/server/graph-schema.js';

@Resolver()
class UndecidedResolver {
  @MinRole('VIEWER')
  @Query(() => String)
  decided(): string {
    return 'yes';
  }

  @Query(() => String)
  forgotten(): string {
    return 'no role';
  }
}

describe('authorization fails closed', () => {
  it('accepts the shipped schema: every root field declares its role with @MinRole', async () => {
    const schema = await buildGraphSchema();
    expect(() => assertEveryRootFieldHasARole(schema)).not.toThrow();
    expect(rootFieldRoles(schema)).toMatchObject({ 'Query.apiTokens': 'ADMIN', 'Mutation.runJob': 'OPERATOR', 'Subscription.syncEvents': 'VIEWER' });
  });

  it('refuses to start when a resolver field has no @MinRole', async () => {
    const schema = await buildSchema({ resolvers: [UndecidedResolver], validate: false });
    expect(() => assertEveryRootFieldHasARole(schema)).toThrow(/Query\.forgotten has no role decision/);
    expect(() => assertEveryRootFieldHasARole(schema)).not.toThrow(/Query\.decided/);
  });

  it('refuses to start when a root field has no role decision', async () => {
    const schema = await buildGraphSchema();
    const { ['Mutation.runJob']: _dropped, ...incomplete } = rootFieldRoles(schema);
    expect(() => assertEveryRootFieldHasARole(schema, incomplete)).toThrow(/Mutation\.runJob has no role decision/);
  });

  it('refuses a policy entry for a field that no longer exists', async () => {
    const schema = await buildGraphSchema();
    expect(() => assertEveryRootFieldHasARole(schema, { ...rootFieldRoles(schema), 'Query.gone': 'VIEWER' })).toThrow(/Query\.gone is in the role policy but not in the schema/);
  });
});
