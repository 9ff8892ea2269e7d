import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiToken, CreatedApiToken, Viewer } from '../schema/api-token.type.js';
import { Role } from '../schema/enums.js';
import { DateTimeScalar } from '../schema/scalars.js';
import { expectGlobalId } from '../domain/global-id.js';
import { presentApiToken } from '../schema/present.js';
import type { GraphContext } from './context.js';
import { badUserInput } from './errors.js';

@Resolver()
export class ApiTokenResolver {
  @Query(() => Viewer, { description: 'The caller: token name and role' })
  viewer(@Ctx() ctx: GraphContext): Viewer {
    return Object.assign(new Viewer(), { name: ctx.principal!.name, role: ctx.principal!.role as Role });
  }

  @Query(() => [ApiToken])
  async apiTokens(@Ctx() ctx: GraphContext): Promise<ApiToken[]> {
    return (await ctx.hub.tokens.list()).map(presentApiToken);
  }

  @Mutation(() => CreatedApiToken, { description: 'Creates an API token; the token is returned once' })
  async createApiToken(
    @Ctx() ctx: GraphContext,
    @Arg('name') name: string,
    @Arg('role', () => Role) role: Role,
    @Arg('expiresAt', () => DateTimeScalar, { nullable: true, description: 'When the token stops working (default: never)' }) expiresAt?: Date | null,
  ): Promise<CreatedApiToken> {
    if (!/^[\w .@-]{1,64}$/.test(name)) throw badUserInput('name: 1–64 letters, digits, spaces or . _ @ -', 'name');
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw badUserInput('expiresAt: must be in the future', 'expiresAt');
    const { token, record } = await ctx.hub.tokens.create(name, role, expiresAt ?? null);
    return Object.assign(new CreatedApiToken(), { token, apiToken: presentApiToken(record) });
  }

  @Mutation(() => Boolean, { description: 'Revokes a token; true if it was active' })
  async revokeApiToken(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.hub.tokens.revoke(expectGlobalId(id, 'ApiToken'));
  }
}
