import { z } from 'zod';
import type { Vendor } from '../domain/vendor.js';
import { flows } from '../flows/index.js';
import { manifestFor } from '../sources/index.js';

const schemas = new Map<Vendor, z.ZodType<Record<string, unknown>>>();

/**
 * The schema of a source's `settings`: the vendor's own keys (its manifest) and the keys each registered flow reads
 * from that vendor's sources (e.g. the Ivanti enrichment playbook's `enrichment`).
 */
export function sourceSettingsSchema(vendor: Vendor): z.ZodType<Record<string, unknown>> {
  let schema = schemas.get(vendor);
  if (!schema) {
    const manifest = manifestFor(vendor);
    if (!manifest) throw new Error(`${vendor} has no adapter registered`);
    const shapes = flows.flatMap((flow) => flow.sourceSettings).filter((s) => s.vendor === vendor).map((s) => s.shape);
    schema = manifest.settingsSchema;
    if (shapes.length > 0) {
      if (!(schema instanceof z.ZodObject)) throw new Error(`${vendor}: a flow adds settings, so the manifest's settingsSchema must be a z.object`);
      schema = shapes.reduce((merged: z.ZodObject, shape) => merged.extend(shape), schema) as z.ZodType<Record<string, unknown>>;
    }
    schemas.set(vendor, schema);
  }
  return schema;
}
