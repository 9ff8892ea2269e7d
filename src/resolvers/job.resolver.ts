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
    const jobs = ctx.hub.jobs.list();
    const states = await ctx.hub.dataSource.getRepository(JobStateEntity).find();
    const runIds = states.map((s) => s.lastRunId).filter((id): id is string => Boolean(id));
    const runs = runIds.length ? await ctx.hub.dataSource.getRepository(JobRunEntity).createQueryBuilder('r').where('r.id IN (:...runIds)', { runIds }).getMany() : [];
    return jobs.map(({ definition, intervalSeconds }) => {
      const state = states.find((s) => s.name === definition.name);
      const run = runs.find((r) => r.id === state?.lastRunId);
      return Object.assign(new Job(), {
        name: definition.name,
        description: definition.description,
        intervalSeconds,
        lastRun: run ? presentJobRun(run) : null,
        cursor: state?.cursor ?? null,
      });
    });
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

async function runJob(ctx: GraphContext, name: string, wait: boolean, argument: string): Promise<JobRun> {
  if (!ctx.hub.jobs.get(name)) {
    throw badUserInput(`${argument}: no job '${name}' (jobs: ${ctx.hub.jobs.list().map((j) => j.definition.name).join(', ')})`, argument);
  }
  return presentJobRun(await ctx.hub.jobs.runNow(name, wait ? 30_000 : 0));
}
