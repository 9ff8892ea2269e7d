/** Every vendor socgraph can connect to. The names are part of the GraphQL contract. */
export enum Vendor {
  SECUREWORKS_CTP = 'SECUREWORKS_CTP',
  IBM_RESILIENT = 'IBM_RESILIENT',
  CYWARE_CTIX = 'CYWARE_CTIX',
  CYWARE_CFTR = 'CYWARE_CFTR',
  IVANTI_ITSM = 'IVANTI_ITSM',
  ABUSEIPDB = 'ABUSEIPDB',
  HYBRID_ANALYSIS = 'HYBRID_ANALYSIS',
  VIRUSTOTAL = 'VIRUSTOTAL',
}

export const VENDORS = Object.values(Vendor) as Vendor[];

/** Kebab-case folder/config name of a vendor, e.g. SECUREWORKS_CTP -> secureworks-ctp. */
export function vendorSlug(vendor: Vendor): string {
  return vendor.toLowerCase().replace(/_/g, '-');
}
