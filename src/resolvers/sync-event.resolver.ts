import { Arg, Ctx, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { isEventCursor } from '../events/event-log.js';
import { SyncEventEntity } from '../store/entities/index.js';
import { paginate } from '../store/paginate.js';
import { SyncEventConnection } from '../schema/connections.js';
import { SyncEventKind, Vendor } from '../schema/enums.js';
import { SyncEventFilterInput } from '../schema/filters.js';
import { presentSyncEvent } from '../schema/present.js';
import { SyncEvent } from '../schema/sync-event.type.js';
import type { GraphContext } from './context.js';
import { badUserInput } from './errors.js';

@Resolver(() => SyncEvent)
export class SyncEventResolver {
  @Query(() => SyncEventConnection, { description: 'The durable event log, newest first' })
  async syncEvents(
    @Ctx() ctx: GraphContext,
    @Arg('filter', () => SyncEventFilterInput, { nullable: true }) filter?: SyncEventFilterInput,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const query = ctx.hub.dataSource.getRepository(SyncEventEntity).createQueryBuilder('e');
    if (filter?.kinds?.length) query.andWhere('e.kind IN (:...kinds)', { kinds: filter.kinds });
    if (filter?.vendor) query.andWhere('e.vendor = :vendor', { vendor: filter.vendor });
    if (filter?.subjectId) query.andWhere('e.subject_id = :subjectId', { subjectId: filter.subjectId });
    return paginate(query, { first, after }, {
      sortColumn: 'e.cursor', sortProperty: 'cursor', keyColumn: 'e.cursor', keyProperty: 'cursor', direction: 'DESC', present: presentSyncEvent,
    });
  }

  @Subscription(() => SyncEvent, {
    name: 'syncEvents',
    description: 'Live sync events. With `after` (a SyncEvent.cursor), first every stored event after it, then live ones: no gap, no repeat.',
    subscribe: ({ args, context }) => {
      const ctx = context as GraphContext;
      const after = args.after as string | null | undefined;
      if (after !== undefined && after !== null && !isEventCursor(after)) throw badUserInput(`after: '${after}' is not an event cursor`, 'after');
      return ctx.hub.tailer.subscribe({
        kinds: args.kinds as SyncEventKind[] | null, vendor: args.vendor as Vendor | null, subjectId: args.subjectId as string | null,
      }, after ?? null);
    },
  })
  liveSyncEvents(
    @Root() event: SyncEventEntity,
    @Arg('kinds', () => [SyncEventKind], { nullable: true }) _kinds: SyncEventKind[] | null,
    @Arg('vendor', () => Vendor, { nullable: true }) _vendor: Vendor | null,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this SyncEvent.cursor' }) _after: string | null,
    @Arg('subjectId', () => ID, { nullable: true, description: 'Only the events about this object (a ticket, an incident, a source…)' }) _subjectId: string | null,
  ): SyncEvent {
    return presentSyncEvent(event);
  }
}
