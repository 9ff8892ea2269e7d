import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { expectGlobalId } from '../domain/global-id.js';
import { presentSource } from '../schema/present.js';
import { QuotaWindowUse, Source } from '../schema/source.type.js';
import { quotaUse } from '../services/quota-use.js';
import { sourceUpdated } from '../services/source-updated-event.js';
import type { GraphContext } from './context.js';
import { badUserInput, notFound } from './errors.js';
import { replacedBy, UpdateSourcePayload } from '../schema/mutation-payloads.type.js';

@InputType()
class UpdateSourceInput {
  @Field(() => ID) sourceId: string;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean;
  @Field(() => Int, { nullable: true, description: 'Seconds between polls; 0 = off' }) pollIntervalSeconds?: number;
}

const UPDATE_SOURCE = 'Turns a source on or off, or changes its poll interval (ADMIN); every replica follows within seconds, and a SOURCE_UPDATED event records it';

@Resolver(() => Source)
export class SourceResolver {
  @MinRole('VIEWER')
  @Query(() => [Source], { description: 'Every configured vendor connection' })
  sources(@Ctx() ctx: GraphContext): Source[] {
    return ctx.hub.sources.list().map((s) => presentSource(s.entity, ctx.hub.sources.healthOf(s.entity.name)));
  }

  @FieldResolver(() => [QuotaWindowUse], { description: 'Calls spent per quota window (none when the source has no quota or rateLimit)' })
  async quota(@Root() source: Source, @Ctx() ctx: GraphContext): Promise<QuotaWindowUse[]> {
    const registered = ctx.hub.sources.byId(source.dbId);
    if (!registered) return [];
    return (await quotaUse(ctx.hub.dataSource, registered.config)).map((row) => Object.assign(new QuotaWindowUse(), row));
  }

  @MinRole('ADMIN')
  @Mutation(() => UpdateSourcePayload, { description: UPDATE_SOURCE })
  async sourceUpdate(@Ctx() ctx: GraphContext, @Arg('input', () => UpdateSourceInput) input: UpdateSourceInput): Promise<UpdateSourcePayload> {
    return Object.assign(new UpdateSourcePayload(), { source: await this.updateSource(ctx, input) });
  }

  @MinRole('ADMIN')
  @Mutation(() => Source, { description: UPDATE_SOURCE, deprecationReason: replacedBy('sourceUpdate(input:)') })
  async updateSource(@Ctx() ctx: GraphContext, @Arg('input', () => UpdateSourceInput) input: UpdateSourceInput): Promise<Source> {
    const id = expectGlobalId(input.sourceId, 'Source', 'input.sourceId');
    const source = ctx.hub.sources.byId(id);
    if (!source) throw notFound(`no source with id ${input.sourceId}`);
    if (input.pollIntervalSeconds !== undefined && input.pollIntervalSeconds !== null && (input.pollIntervalSeconds < 0 || input.pollIntervalSeconds > 86_400)) {
      throw badUserInput('input.pollIntervalSeconds: must be between 0 and 86400', 'input.pollIntervalSeconds');
    }
    const change: { enabled?: boolean; pollIntervalSeconds?: number } = {};
    if (input.enabled !== undefined && input.enabled !== null) change.enabled = input.enabled;
    if (input.pollIntervalSeconds !== undefined && input.pollIntervalSeconds !== null) change.pollIntervalSeconds = input.pollIntervalSeconds;
    const previous = { enabled: source.entity.enabled, pollIntervalSeconds: source.entity.pollIntervalSeconds };
    const updated = await ctx.hub.sources.update(source.entity.name, change);
    ctx.hub.jobs.followSources();
    await ctx.hub.events.publish(sourceUpdated(updated, previous, ctx.principal?.name ?? 'unknown'));
    return presentSource(updated.entity, ctx.hub.sources.healthOf(updated.entity.name));
  }
}
