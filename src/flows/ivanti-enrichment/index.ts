import { defineFlow } from '../flow-module.js';
import { IvantiEnrichmentAddendumEntity } from './entities/ivanti-enrichment-addendum.entity.js';
import { IvantiEnrichmentProgressEntity } from './entities/ivanti-enrichment-progress.entity.js';
import { IvantiEnrichmentEventKind } from './event-kinds.js';
import { ivantiEnrichmentJob } from './ivanti-enrichment.job.js';
import { IvantiEnrichmentProgress1764420000000 } from './migrations/1764420000000-ivanti-enrichment-progress.js';
import { IvantiEnrichmentAddendum1764440000000 } from './migrations/1764440000000-ivanti-enrichment-addendum.js';
import { ivantiEnrichmentSourceSettings } from './settings.js';

/** Flow 3: new Ivanti incidents' indicators extracted, enriched, published to CTIX and noted back. */
export const ivantiEnrichmentFlow = defineFlow({
  name: 'ivanti-enrichment',
  jobs: (hub) => [ivantiEnrichmentJob(hub)],
  resolvers: [],
  entities: [IvantiEnrichmentProgressEntity, IvantiEnrichmentAddendumEntity],
  migrations: [IvantiEnrichmentProgress1764420000000, IvantiEnrichmentAddendum1764440000000],
  eventKinds: IvantiEnrichmentEventKind,
  sourceSettings: [ivantiEnrichmentSourceSettings],
});
