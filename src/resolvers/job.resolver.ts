import { MinRole } from '../auth/root-field-roles.js';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { JobRunEntity, JobStateEntity } from '../store/entities/index.js';
import { Job, JobRun } from '../schema/job.type.js';
import { replacedBy, RunJobInput, RunJobPayload } from '../schema/mutation-payloads.type.js';
import { presentJobRun } from '../schema/present.js';
import type { GraphContext } from './context.js';
import { badUserInput } from './errors.js';

const RUN_JOB = 'Queues a run of a job now. With `wait` (default), answers when the run has finished or after 30 s, '
  + 'whichever comes first (after a run already in progress, if any); `wait: false` answers at once with the run QUEUED. '
  + 'Follow a run in `jobs { lastRun { state progress } }` or JOB_PROGRESS events.';

@Resolver(() => Job)
export class JobResolver {
  @MinRole('VIEWER')
  @Query(() => [Job], { description: 'Background jobs with their last run and stored cursor' })
  async jobs(@Ctx() ctx: GraphContext): Promise<Job[]> {
    // The stored state (cursor, last run) is read only when a job's `lastRun` or `cursor` is asked for: one statement
    // for the whole list; `jobs { name }` reads nothing from the database.
    let stored: Promise<Map<string, StoredJobState>> | undefined;
    const storedOf = (name: string) => (stored ??= loadStoredStates(ctx)).then((states) => states.get(name));
    return ctx.hub.jobs.list().map(({ definition, intervalSeconds }) => Object.defineProperties(Object.assign(new Job(), {
      name: definition.name,
      description: definition.description,
      intervalSeconds,
    }), {
      lastRun: { enumerable: true, get: () => storedOf(definition.name).then((state) => (state?.lastRun ? presentJobRun(state.lastRun) : null)) },
      cursor: { enumerable: true, get: () => storedOf(definition.name).then((state) => state?.cursor ?? null) },
    }));
  }

  @MinRole('OPERATOR')
  @Mutation(() => RunJobPayload, { description: RUN_JOB })
  async jobRun(@Ctx() ctx: GraphContext, @Arg('input', () => RunJobInput) input: RunJobInput): Promise<RunJobPayload> {
    return Object.assign(new RunJobPayload(), { run: await runJob(ctx, input.name, input.wait, 'input.name') });
  }

  @MinRole('OPERATOR')
  @Mutation(() => JobRun, { description: RUN_JOB, deprecationReason: replacedBy('jobRun(input:)') })
  async runJob(
    @Ctx() ctx: GraphContext,
    @Arg('name') name: string,
    @Arg('wait', () => Boolean, { defaultValue: true }) wait: boolean,
  ): Promise<JobRun> {
    return runJob(ctx, name, wait, 'name');
  }
}

type StoredJobState = JobStateEntity & { lastRun?: JobRunEntity | null };

/** Every job's stored state with its last run, by job name (one statement). */
async function loadStoredStates(ctx: GraphContext): Promise<Map<string, StoredJobState>> {
  const states: StoredJobState[] = await ctx.hub.dataSource.getRepository(JobStateEntity).createQueryBuilder('s')
    .leftJoinAndMapOne('s.lastRun', JobRunEntity, 'r', 'r.id = s.lastRunId')
    .getMany();
  return new Map(states.map((state) => [state.name, state]));
}

async function runJob(ctx: GraphContext, name: string, wait: boolean, argument: string): Promise<JobRun> {
  if (!ctx.hub.jobs.get(name)) {
    throw badUserInput(`${argument}: no job '${name}' (jobs: ${ctx.hub.jobs.list().map((j) => j.definition.name).join(', ')})`, argument);
  }
  return presentJobRun(await ctx.hub.jobs.runNow(name, wait ? 30_000 : 0));
}
