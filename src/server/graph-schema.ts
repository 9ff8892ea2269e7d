import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { assertEveryRootFieldHasARole } from '../auth/authorize-operation.js';
import { resolvers } from '../resolvers/index.js';
import { DateTimeScalar } from '../schema/scalars.js';

let cached: Promise<GraphQLSchema> | null = null;

/** Builds the graph once per process, and refuses it when a root field lacks a role decision (fail closed). */
export function buildGraphSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: [...resolvers] as never,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    // Subscriptions stream from the durable event log (EventTailer) through `subscribe`, never through
    // topics; type-graphql still insists on a PubSub, so give it one that refuses to be used.
    pubSub: {
      publish() {
        throw new Error('publish through EventLog, not type-graphql PubSub');
      },
      subscribe() {
        throw new Error('subscriptions use the event log tailer');
      },
    },
  }).then((schema) => {
    assertEveryRootFieldHasARole(schema);
    return schema;
  });
  return cached;
}
