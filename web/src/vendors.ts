import { useEffect, useMemo, useState } from 'react';
import { vendorLabel } from './format.js';
import { request, type HubClient } from './hub-client.js';

export type VendorCapability = 'TICKETS' | 'INCIDENTS' | 'THREAT_INTEL' | 'ENRICH';

/** A vendor the hub knows: the hub's `vendors` query (its registered manifests), in registration order. */
export interface VendorDescription {
  id: string;
  displayName: string;
  capabilities: VendorCapability[];
}

/** One read per signed-in client: the list changes only when the hub is rebuilt. */
const known = new WeakMap<HubClient, Promise<VendorDescription[]>>();

function loadVendors(client: HubClient): Promise<VendorDescription[]> {
  let vendors = known.get(client);
  if (!vendors) {
    vendors = request<{ vendors: VendorDescription[] }>(client, '{ vendors { id displayName capabilities } }').then((d) => d.vendors);
    // A failed read is not kept: the next page that asks reads again.
    vendors.catch(() => known.delete(client));
    known.set(client, vendors);
  }
  return vendors;
}

/**
 * The hub's vendors (empty until they arrive, or when the read failed), and a label for a vendor id: its display
 * name, or `vendorLabel`'s guess for an id the hub did not list.
 */
export function useVendors(client: HubClient): { vendors: VendorDescription[]; label(vendor: string | null | undefined): string } {
  const [vendors, setVendors] = useState<VendorDescription[]>([]);
  useEffect(() => {
    let cancelled = false;
    loadVendors(client).then((v) => !cancelled && setVendors(v), () => undefined);
    return () => { cancelled = true; };
  }, [client]);
  return useMemo(() => {
    const names = new Map(vendors.map((v) => [v.id, v.displayName]));
    return { vendors, label: (vendor: string | null | undefined) => (vendor && names.get(vendor)) || vendorLabel(vendor) };
  }, [vendors]);
}
