import { Counter, Histogram, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The hub's Prometheus registry, served at /metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'socgraph_' });

export const graphqlRequests = new Counter({
  name: 'socgraph_graphql_requests_total',
  help: 'GraphQL operations executed, by operation type and outcome',
  labelNames: ['operation', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const resolverErrors = new Counter({
  name: 'socgraph_resolver_errors_total',
  help: 'GraphQL errors returned, by error code',
  labelNames: ['code'] as const,
  registers: [metricsRegistry],
});

export const vendorCalls = new Counter({
  name: 'socgraph_vendor_calls_total',
  help: 'Outbound vendor HTTP attempts, by vendor and status (or error kind)',
  labelNames: ['vendor', 'status'] as const,
  registers: [metricsRegistry],
});

export const vendorCallSeconds = new Histogram({
  name: 'socgraph_vendor_call_seconds',
  help: 'Outbound vendor call latency including retries',
  labelNames: ['vendor'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export const jobProgressDone = new Gauge({
  name: 'socgraph_job_progress_done',
  help: "Items done by each job's current (or last) run",
  labelNames: ['job'] as const,
  registers: [metricsRegistry],
});

export const jobProgressTotal = new Gauge({
  name: 'socgraph_job_progress_total',
  help: "Items known to be there to do in each job's current (or last) run (0: not known)",
  labelNames: ['job'] as const,
  registers: [metricsRegistry],
});

export const jobProgressRate = new Gauge({
  name: 'socgraph_job_progress_rate',
  help: "Items per second of each job's current (or last) run",
  labelNames: ['job'] as const,
  registers: [metricsRegistry],
});

export const jobRuns = new Counter({
  name: 'socgraph_job_runs_total',
  help: 'Job runs, by job and final state',
  labelNames: ['job', 'state'] as const,
  registers: [metricsRegistry],
});

export const eventsPublished = new Counter({
  name: 'socgraph_sync_events_published_total',
  help: 'Sync events written to the durable log, by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const eventsTailed = new Counter({
  name: 'socgraph_sync_events_tailed_total',
  help: "Sync events the replica's tailer handed to its subscribers, by how it got them (from = notification: carried by the NOTIFY; table: read back)",
  labelNames: ['from'] as const,
  registers: [metricsRegistry],
});

export const eventsDelivered = new Counter({
  name: 'socgraph_sync_events_delivered_total',
  help: 'Sync events delivered to subscribers (fan-out)',
  registers: [metricsRegistry],
});

export const activeSubscriptions = new Gauge({
  name: 'socgraph_active_subscriptions',
  help: 'Open GraphQL subscriptions on this replica',
  registers: [metricsRegistry],
});

export const databaseStatements = new Counter({
  name: 'socgraph_db_statements_total',
  help: 'Statements sent to the database by the hub pool (not the job queue): reads must stay constant in page size',
  registers: [metricsRegistry],
});

export const subscriptionExecutions = new Counter({
  name: 'socgraph_subscription_executions_total',
  help: 'Live fan-out: subscription documents executed, once per event per group (document, variables, role) however many sockets are in it',
  registers: [metricsRegistry],
});

export const fanoutGroups = new Gauge({
  name: 'socgraph_fanout_groups',
  help: 'Live fan-out: groups of subscriptions sharing one execution per event',
  registers: [metricsRegistry],
});

export const slowSubscribersClosed = new Counter({
  name: 'socgraph_slow_subscribers_closed_total',
  help: 'Live fan-out: sockets closed 4508 (too slow: resume with after=<cursor>) because their client fell too far behind',
  registers: [metricsRegistry],
});

export const admissionRefused = new Counter({
  name: 'socgraph_admission_refused_total',
  help: 'Requests and subscribes refused by fair admission: queue-full (429) or timeout (503)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});
