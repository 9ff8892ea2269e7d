declare const vendorBrand: unique symbol;

/**
 * A vendor's id, e.g. `IVANTI_ITSM`: stored in the database and a value of the GraphQL `Vendor` enum, so an id never
 * changes once released. Each vendor declares its own, in its folder (`src/sources/<vendor>/vendor-id.ts`); which
 * vendors exist is the registered manifests (`registeredManifests()`, src/sources/index.ts). Adding a vendor edits
 * nothing here.
 */
export type Vendor = string & { readonly [vendorBrand]: true };

/** Declares a vendor's id: upper snake case (a GraphQL enum value), e.g. `vendorId('IVANTI_ITSM')`. */
export function vendorId<const Id extends string>(id: Id): Id & Vendor {
  if (!/^[A-Z][A-Z0-9_]*$/.test(id)) throw new Error(`vendor id '${id}': upper-case letters, digits and underscores`);
  return id as Id & Vendor;
}

/** Kebab-case folder/config name of a vendor, e.g. SECUREWORKS_CTP -> secureworks-ctp. */
export function vendorSlug(vendor: Vendor): string {
  return vendor.toLowerCase().replace(/_/g, '-');
}
