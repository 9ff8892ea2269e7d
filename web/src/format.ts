export function when(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function vendorLabel(vendor: string | null | undefined): string {
  return (vendor ?? '—').toLowerCase().replace(/_/g, ' ');
}
