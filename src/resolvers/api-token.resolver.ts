import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiToken, CreatedApiToken, Viewer } from '../schema/api-token.type.js';
import { Role } from '../schema/enums.js';
import { DateTimeScalar } from '../schema/scalars.js';
import { expectGlobalId } from '../domain/global-id.js';
import { CreateApiTokenInput, replacedBy, RevokeApiTokenInput, RevokeApiTokenPayload } from '../schema/mutation-payloads.type.js';
import { presentApiToken } from '../schema/present.js';
import type { GraphContext } from './context.js';
import { badUserInput } from './errors.js';

@Resolver()
export class ApiTokenResolver {
  @MinRole('VIEWER')
  @Query(() => Viewer, { description: 'The caller: token name and role' })
  viewer(@Ctx() ctx: GraphContext): Viewer {
    return Object.assign(new Viewer(), { name: ctx.principal!.name, role: ctx.principal!.role as Role });
  }

  @MinRole('ADMIN')
  @Query(() => [ApiToken])
  async apiTokens(@Ctx() ctx: GraphContext): Promise<ApiToken[]> {
    return (await ctx.hub.tokens.list()).map(presentApiToken);
  }

  @MinRole('ADMIN')
  @Mutation(() => CreatedApiToken, { description: 'Creates an API token; the token is returned once' })
  apiTokenCreate(@Ctx() ctx: GraphContext, @Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput): Promise<CreatedApiToken> {
    return createToken(ctx, input, 'input.');
  }

  @MinRole('ADMIN')
  @Mutation(() => CreatedApiToken, { description: 'Creates an API token; the token is returned once', deprecationReason: replacedBy('apiTokenCreate(input:)') })
  createApiToken(
    @Ctx() ctx: GraphContext,
    @Arg('name') name: string,
    @Arg('role', () => Role) role: Role,
    @Arg('expiresAt', () => DateTimeScalar, { nullable: true, description: 'When the token stops working (default: never)' }) expiresAt?: Date | null,
  ): Promise<CreatedApiToken> {
    return createToken(ctx, { name, role, expiresAt }, '');
  }

  @MinRole('ADMIN')
  @Mutation(() => RevokeApiTokenPayload, { description: 'Revokes a token (idempotent)' })
  async apiTokenRevoke(@Ctx() ctx: GraphContext, @Arg('input', () => RevokeApiTokenInput) input: RevokeApiTokenInput): Promise<RevokeApiTokenPayload> {
    const revoked = await ctx.hub.tokens.revoke(expectGlobalId(input.id, 'ApiToken', 'input.id'));
    return Object.assign(new RevokeApiTokenPayload(), { apiTokenId: input.id, revoked });
  }

  @MinRole('ADMIN')
  @Mutation(() => Boolean, { description: 'Revokes a token; true if it was active', deprecationReason: replacedBy('apiTokenRevoke(input:)') })
  async revokeApiToken(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.hub.tokens.revoke(expectGlobalId(id, 'ApiToken'));
  }
}

/** `prefix`: where the arguments sit (`input.` in the input shape), for the error's `argument`. */
async function createToken(ctx: GraphContext, { name, role, expiresAt }: CreateApiTokenInput, prefix: string): Promise<CreatedApiToken> {
  if (!/^[\w .@-]{1,64}$/.test(name)) throw badUserInput(`${prefix}name: 1–64 letters, digits, spaces or . _ @ -`, `${prefix}name`);
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw badUserInput(`${prefix}expiresAt: must be in the future`, `${prefix}expiresAt`);
  const { token, record } = await ctx.hub.tokens.create(name, role, expiresAt ?? null);
  return Object.assign(new CreatedApiToken(), { token, apiToken: presentApiToken(record) });
}
