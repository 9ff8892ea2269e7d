import type { Vendor } from '../../domain/vendor.js';
import { CYWARE_CFTR } from '../../sources/cyware-cftr/vendor-id.js';
import { CYWARE_CTIX } from '../../sources/cyware-ctix/vendor-id.js';
import { badUserInput } from '../../domain/errors.js';
import type { HubServices } from '../../services/hub-services.js';
import type { RegisteredSource } from '../../services/source-registry.js';

/**
 * The source of a vendor to use: the one named, or the only one configured. Several configured and none named,
 * none configured, or a name that is not a source of that vendor → BAD_USER_INPUT naming the candidates.
 */
export function pickSource(hub: Pick<HubServices, 'sources'>, vendor: Vendor, name: string | null | undefined, argument: string): RegisteredSource {
  const candidates = hub.sources.ofVendor(vendor);
  const names = candidates.map((s) => s.config.name);
  if (name) {
    const found = candidates.find((s) => s.config.name === name);
    if (!found) throw badUserInput(`${argument}: '${name}' is not a ${vendor} source (configured: ${names.join(', ') || 'none'})`, argument);
    return checkEnabled(found, argument);
  }
  if (candidates.length === 1) return checkEnabled(candidates[0]!, argument);
  if (candidates.length === 0) throw badUserInput(`no ${vendor} source is configured`, argument);
  throw badUserInput(`${candidates.length} ${vendor} sources are configured (${names.join(', ')}): name one with ${argument}`, argument);
}

/** A registered source by its database id (ids in our opaque threat ids), or undefined. */
export function sourceById(hub: Pick<HubServices, 'sources'>, vendor: Vendor, id: string): RegisteredSource | undefined {
  const source = hub.sources.byId(id);
  return source && source.config.vendor === vendor ? source : undefined;
}

function checkEnabled(source: RegisteredSource, argument: string): RegisteredSource {
  if (!source.config.enabled) throw badUserInput(`source ${source.config.name} is disabled`, argument);
  return source;
}

export const CTIX = CYWARE_CTIX;
export const CFTR = CYWARE_CFTR;
