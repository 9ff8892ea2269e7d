import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { isEventCursor } from '../events/event-log.js';
import { SyncEventEntity } from '../store/entities/index.js';
import { paginate } from '../store/paginate.js';
import { SyncEventConnection } from '../schema/connections.js';
import { SyncEventKind, Vendor } from '../schema/enums.js';
import { subscriptionEventFilter, SyncEventFilterInput } from '../schema/filters.js';
import { replacedBy } from '../schema/mutation-payloads.type.js';
import { presentSyncEvent } from '../schema/present.js';
import { SyncEvent } from '../schema/sync-event.type.js';
import type { GraphContext } from './context.js';
import { badUserInput } from './errors.js';

@Resolver(() => SyncEvent)
export class SyncEventResolver {
  @MinRole('VIEWER')
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

  @MinRole('VIEWER')
  @Subscription(() => SyncEvent, {
    name: 'syncEvents',
    description: 'Live sync events. With `after` (a SyncEvent.cursor), first every stored event after it, then live ones: no gap, no repeat.',
    subscribe: ({ args, context }) => {
      const ctx = context as GraphContext;
      const after = args.after as string | null | undefined;
      if (after !== undefined && after !== null && !isEventCursor(after)) throw badUserInput(`after: '${after}' is not an event cursor`, 'after');
      return ctx.hub.tailer.subscribe(subscriptionEventFilter(args), after ?? null);
    },
  })
  liveSyncEvents(
    @Root() event: SyncEventEntity,
    @Arg('filter', () => SyncEventFilterInput, { nullable: true, description: 'The same filter as the syncEvents query' }) _filter: SyncEventFilterInput | null,
    @Arg('kinds', () => [SyncEventKind], { nullable: true, deprecationReason: replacedBy('filter: { kinds }') }) _kinds: SyncEventKind[] | null,
    @Arg('vendor', () => Vendor, { nullable: true, deprecationReason: replacedBy('filter: { vendor }') }) _vendor: Vendor | null,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this SyncEvent.cursor' }) _after: string | null,
    @Arg('subjectId', () => ID, { nullable: true, description: 'Only the events about this object (a ticket, an incident, a source…)', deprecationReason: replacedBy('filter: { subjectId }') }) _subjectId: string | null,
  ): SyncEvent {
    return presentSyncEvent(event);
  }
}
