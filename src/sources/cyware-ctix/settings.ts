import { z } from 'zod';

/** Settings of an Intel Exchange source (config `settings:`), defaults applied. */
export const ctixSettingsSchema = z.object({
  /** Seconds from signing to `Expires`; Cyware documents at most 30. */
  signatureValiditySeconds: z.number().int().min(1).max(30).default(25),
  /** `page_size` for list calls; docs say 100 on most lists, Cyware's own clients use up to 1000. */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** Polling of an asynchronous creation (Cyware's own action polls every 5 s, 24 times). */
  taskPollIntervalMs: z.number().int().min(0).default(5_000),
  taskPollAttempts: z.number().int().min(1).default(24),
  /**
   * Where published STIX bundles land (`ingestion/ingestion-api/ingest_bundle/`): ids, or else names. An
   * unknown or missing source/collection does not fail, the bundle lands in source "Import" / collection "STIX2".
   */
  ingestSourceId: z.string().optional(),
  ingestSourceType: z.string().default('CUSTOM_STIX_SOURCES'),
  ingestCollectionId: z.string().optional(),
  ingestSourceName: z.string().optional(),
  ingestCollectionName: z.string().optional(),
});

export type CtixSettings = z.infer<typeof ctixSettingsSchema>;
