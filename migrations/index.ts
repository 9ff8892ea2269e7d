import type { MigrationInterface } from 'typeorm';
import { Initial1764360000000 } from './1764360000000-initial.js';
import { JobRunQueueJobUnique1764380000000 } from './1764380000000-job-run-queue-job-unique.js';

/** Every migration, oldest first. Start-up applies the pending ones; `synchronize` is never used outside tests. */
export const migrations: Array<new () => MigrationInterface> = [Initial1764360000000, JobRunQueueJobUnique1764380000000];
