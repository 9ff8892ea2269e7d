import { z } from 'zod';

/**
 * Settings of a Respond (CFTR) source, defaults applied. Respond's incident-create wire format is not public,
 * so every inferred name (severity key, where IOCs go, the two-step link paths) is configurable here.
 */
export const cftrSettingsSchema = z.object({
  /** Seconds from signing to `Expires`. A public client uses 60 s; Cyware documents 30 s for CTIX, so stay within it. */
  signatureValiditySeconds: z.number().int().min(1).max(30).default(25),
  /** `page_size` when listing incidents (the public client uses 100). */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** The UI says "Severity"; the wire key is not public: `level` (our requirements) or `severity`. */
  severityField: z.enum(['level', 'severity']).default('level'),
  /**
   * `inline`: IOCs go in the create body under `indicatorField`. `connect`: create the incident, then bulk-create
   * threat-intel records and connect them to it (Respond's "Bulk Create Threat Intel" + "Connect Modules").
   */
  indicatorLinking: z.enum(['inline', 'connect']).default('inline'),
  indicatorField: z.enum(['threat_intel', 'iocs', 'indicators']).default('threat_intel'),
  threatIntelPath: z.string().default('v1/threat-intel/'),
  connectPath: z.string().refine((p) => p.includes('{unique_id}'), 'must contain {unique_id}').default('v1/incident/{unique_id}/connect/'),
  /** Our indicator type → Respond threat-intel type (the tenant's "Map Data Fields"). */
  threatIntelTypes: z.object({
    IPV4: z.string().default('IP'),
    IPV6: z.string().default('IP'),
    DOMAIN: z.string().default('Domain'),
    URL: z.string().default('URL'),
    EMAIL: z.string().default('Email'),
    MD5: z.string().default('MD5'),
    SHA1: z.string().default('SHA1'),
    SHA256: z.string().default('SHA256'),
    SHA512: z.string().default('SHA512'),
    SSDEEP: z.string().default('SSDEEP'),
  }).prefault({}),
  /** Link for humans; `{unique_id}` is replaced. Default: `<origin>/cftr/incidents/{unique_id}/` (pattern not public). */
  incidentUrlTemplate: z.string().refine((t) => t.includes('{unique_id}'), 'must contain {unique_id}').optional(),
});

export type CftrSettings = z.infer<typeof cftrSettingsSchema>;
