import { registeredManifests, type Vendor as RegisteredVendor } from '../sources/index.js';

/**
 * Every vendor socgraph can connect to, derived from the manifests registered in src/sources/index.ts (a vendor is
 * added there, not here). `Vendor.IVANTI_ITSM` names one; the names are part of the GraphQL contract.
 */
export type Vendor = RegisteredVendor;
export const Vendor = Object.freeze(Object.fromEntries(registeredManifests().map((m) => [m.vendor, m.vendor]))) as { readonly [V in Vendor]: V };

export const VENDORS = Object.values(Vendor) as Vendor[];

/** Kebab-case folder/config name of a vendor, e.g. SECUREWORKS_CTP -> secureworks-ctp. */
export function vendorSlug(vendor: Vendor): string {
  return vendor.toLowerCase().replace(/_/g, '-');
}
