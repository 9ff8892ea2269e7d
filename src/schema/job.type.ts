import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { JobRunState, JobTrigger } from './enums.js';
import { Node } from './node.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';

@ObjectType({ description: 'How far a run got, updated while it runs (at most every second)' })
export class JobProgress {
  @Field(() => Int, { description: "Items done so far (the job's unit: tickets, incidents…)" }) done: number;
  @Field(() => Int, { nullable: true, description: 'Items known to be there to do, when the vendor tells (it may grow during the run)' }) total: number | null;
  @Field(() => Float, { description: 'Items per second since the run started' }) ratePerSecond: number;
  @Field(() => DateTimeScalar) updatedAt: Date;
}

@ObjectType({ implements: Node, description: 'One run of a background job' })
export class JobRun implements Node {
  @Field(() => ID) id: string;
  @Field() jobName: string;
  @Field(() => JobTrigger) trigger: JobTrigger;
  @Field(() => JobRunState) state: JobRunState;
  @Field(() => Int) attempt: number;
  @Field(() => DateTimeScalar) queuedAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) startedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) finishedAt: Date | null;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field(() => JSONScalar, { nullable: true, description: "What the run reports (counts, warnings)" }) output: Record<string, unknown> | null;
  @Field(() => JobProgress, { nullable: true, description: 'How far it got (null until the job first reports)' }) progress: JobProgress | null;
}

@ObjectType({ description: 'A background job: a vendor poller or sync' })
export class Job {
  @Field() name: string;
  @Field() description: string;
  @Field(() => Int, { description: 'Seconds between scheduled runs; 0 = only on demand' }) intervalSeconds: number;
  @Field(() => JobRun, { nullable: true }) lastRun: JobRun | null;
  @Field(() => JSONScalar, { nullable: true, description: "The job's stored position" }) cursor: Record<string, unknown> | null;
}
