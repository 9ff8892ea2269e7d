export function when(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** A label guessed from a vendor id (IVANTI_ITSM -> ivanti itsm); pages that list vendors show the hub's display names (vendors.ts). */
export function vendorLabel(vendor: string | null | undefined): string {
  return (vendor ?? '—').toLowerCase().replace(/_/g, ' ');
}
