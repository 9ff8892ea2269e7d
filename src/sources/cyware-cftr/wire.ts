import { z } from 'zod';

/**
 * Respond (CFTR) Open API JSON. Only `unique_id`, `readable_id`, `title`, `status` and `created` are confirmed
 * by a public client; the rest follows the product's incident model. Incident forms are tenant-configurable,
 * so incidents are loose objects: unknown (form) fields are kept, never hard-coded.
 */

/** `created` is an ISO string on the observed tenant; epoch seconds are accepted too (the client sorts by `new Date`). */
export const cftrTimestamp = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${value}` });
    return z.NEVER;
  }
  return date;
});

/** A threat-intel record linked to an incident (IOC value and Respond threat-intel type, e.g. `IP`, `Domain`). */
export const threatIntelSchema = z.object({
  unique_id: z.string().nullish(),
  value: z.string(),
  type: z.string(),
});
export type ThreatIntelWire = z.infer<typeof threatIntelSchema>;

export const incidentSchema = z.looseObject({
  unique_id: z.string(),
  /** Human id, `INC103`. */
  readable_id: z.string().nullish(),
  title: z.string(),
  description: z.string().nullish(),
  /** `Open`, `Closed`, … (the public client compares lower-case). */
  status: z.string(),
  level: z.string().nullish(),
  severity: z.string().nullish(),
  phase: z.string().nullish(),
  created: cftrTimestamp,
  modified: cftrTimestamp.nullish(),
  /** On the detail: the incident's linked threat intel. */
  threat_intel: z.array(threatIntelSchema).nullish(),
});
export type CftrIncidentWire = z.infer<typeof incidentSchema>;

/** `GET v1/incident/`: `next` may be relative or absolute; clients stop on a falsy `next` or a short page. */
export const incidentPageSchema = z.object({
  count: z.number().optional(),
  next: z.string().nullish(),
  previous: z.string().nullish(),
  results: z.array(incidentSchema),
});
export type CftrIncidentPage = z.infer<typeof incidentPageSchema>;

export const connectivitySchema = z.looseObject({ message: z.string().nullish() });

/** Answer of the bulk threat-intel create (two-step linking). */
export const createdThreatIntelSchema = z.object({ results: z.array(threatIntelSchema.extend({ unique_id: z.string() })) });

export const connectedSchema = z.looseObject({ message: z.string().nullish() });

/** Body of `POST v1/incident/`; the severity key and the IOC key are configurable, tenant form fields pass through. */
export type CreateIncidentBody = Record<string, unknown> & { title: string };
