import {
  GraphQLError, Kind, getArgumentValues, print,
  type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import type { WebSocket } from 'ws';
import { isEventCursor, type SyncEventFilter } from '../events/event-log.js';
import type { EventTailer } from '../events/event-tailer.js';
import { fanoutGroups } from '../observability/metrics.js';
import { badUserInput } from '../resolvers/errors.js';
import { subscriptionEventFilter } from '../schema/filters.js';
import { FanoutGroup } from './fanout-group.js';

export { WS_TOO_SLOW } from './fanout-group.js';

/** How one subscription joins the fan-out: its group and where its stream starts. */
export interface FanoutPlan {
  key: string;
  filter: SyncEventFilter;
  after: string | null;
}

const planned = new WeakMap<ExecutionArgs, { plan: FanoutPlan; socket: WebSocket; id: string }>();

/**
 * Live fan-out of `syncEvents` subscriptions (Hasura-style multiplexing): subscriptions with the same document,
 * variables (`after` aside: it only says where a stream starts) and role form one group; the tailer hands each
 * event to each group once, the group executes the document once and writes the same serialized payload to
 * every member's socket. Auth stays per socket (connection_init, each subscribe, the periodic token re-check).
 */
export class LiveFanout {
  private readonly groups = new Map<string, FanoutGroup>();

  constructor(private readonly tailer: EventTailer, private readonly options: {
    bufferBytes: number;
    batchMs: number;
    context: (args: ExecutionArgs) => () => unknown;
    format: (result: ExecutionResult) => unknown;
  }) {}

  /**
   * The plan for a subscription whose only root field is `syncEvents` (null: anything else, executed per socket
   * by graphql-ws as before), or the error for a bad `after`.
   */
  plan(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
    variables: Record<string, unknown>, role: string): FanoutPlan | GraphQLError | null {
    if (operation.operation !== 'subscription') return null;
    const [field, ...others] = operation.selectionSet.selections;
    if (others.length > 0 || field?.kind !== Kind.FIELD || field.name.value !== 'syncEvents' || field.directives?.length) return null;
    const definition = schema.getSubscriptionType()?.getFields().syncEvents;
    if (!definition) return null;
    const args = getArgumentValues(definition, field, variables);
    const after = (args.after as string | null | undefined) ?? null;
    if (after !== null && !isEventCursor(after)) return badUserInput(`after: '${after}' is not an event cursor`, 'after');
    const afterArgument = field.arguments?.find((a) => a.name.value === 'after')?.value;
    const keyVariables = { ...variables };
    if (afterArgument?.kind === Kind.VARIABLE) delete keyVariables[afterArgument.name.value];
    return {
      key: JSON.stringify([role, print(document), operation.name?.value ?? null, canonical(keyVariables)]),
      filter: subscriptionEventFilter(args),
      after,
    };
  }

  /** Marks execution arguments as served by the fan-out (for `subscribe` below). */
  adopt(args: ExecutionArgs, plan: FanoutPlan, socket: WebSocket, id: string): ExecutionArgs {
    planned.set(args, { plan, socket, id });
    return args;
  }

  /**
   * graphql-ws's subscribe for adopted arguments: joins the group and returns an iterator that yields nothing
   * (frames are written by the group) and ends when graphql-ws ends it (complete, socket closed) or on failure.
   */
  subscribe(args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> | null {
    const adopted = planned.get(args);
    if (!adopted) return null;
    const { plan, socket, id } = adopted;
    let group = this.groups.get(plan.key);
    if (!group) {
      const created: FanoutGroup = new FanoutGroup(plan.filter, args, {
        tailer: this.tailer,
        bufferBytes: this.options.bufferBytes,
        batchMs: this.options.batchMs,
        context: this.options.context(args),
        format: this.options.format,
        onEmpty: () => {
          if (this.groups.get(plan.key) === created) this.groups.delete(plan.key);
          fanoutGroups.set(this.groups.size);
        },
      });
      group = created;
      this.groups.set(plan.key, group);
      fanoutGroups.set(this.groups.size);
    }
    let outcome: { error?: Error } | null = null;
    let settle: ((result: IteratorResult<ExecutionResult>) => void) | null = null;
    let fail: ((error: Error) => void) | null = null;
    const member = group.join(socket, id, plan.after, (error) => {
      outcome = { error };
      if (error) fail?.(error);
      else settle?.({ value: undefined, done: true });
    });
    const owner = group;
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]: () => iterator,
      next: () => {
        const ended = outcome as { error?: Error } | null;
        if (ended) return ended.error ? Promise.reject(ended.error) : Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          settle = resolve;
          fail = reject;
        });
      },
      return: async () => {
        owner.leave(member);
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  /** Groups and their members, for tests and metrics. */
  get size(): { groups: number; members: number } {
    let members = 0;
    for (const group of this.groups.values()) members += group.members.size;
    return { groups: this.groups.size, members };
  }
}

/** JSON with object keys sorted, so equal variables give equal keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
