import type { IndicatorRef } from '../domain/enrichment.js';
import { extractIndicators, normalizeIndicator } from '../indicators/extract.js';

export type ClassifiedValue = { ok: true; indicator: IndicatorRef } | { ok: false; reason: string };

/**
 * Types a value an automation sends (`enrichIndicators(values)`) the way extraction would: defanged forms are
 * refanged, the value normalised, and it must be one whole indicator (IP, URL, domain, e-mail or hash) — not a
 * sentence containing one. Private and reserved IPs are refused: no provider knows anything about them.
 */
export function classifyIndicatorValue(raw: string): ClassifiedValue {
  const value = raw.trim();
  if (value.length === 0) return { ok: false, reason: 'is empty' };
  if (value.length > 4096) return { ok: false, reason: 'is longer than 4096 characters' };
  const whole = (includePrivateIps: boolean) => extractIndicators(value, { includePrivateIps })
    .find((c) => c.type !== 'CVE' && c.value === normalizeIndicator(c.type, value));
  const found = whole(false);
  if (found) return { ok: true, indicator: { type: found.type as IndicatorRef['type'], value: found.value } };
  if (whole(true)) return { ok: false, reason: 'is a private or reserved address (not sent to enrichment providers)' };
  return { ok: false, reason: 'is not an IP address, URL, domain, e-mail address or MD5/SHA-1/SHA-256 hash' };
}
