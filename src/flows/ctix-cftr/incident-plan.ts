import type { IndicatorType } from '../../domain/model.js';
import { normalizeIndicator } from '../../indicators/normalize.js';
import type { NewCftrIncident } from '../../sources/cyware-cftr/map.js';
import type { CftrOriginKind } from './entities/cftr-incident-origin.entity.js';
import type { Selection } from './selection.js';
import type { MappingTable } from './type-mappings.js';

/**
 * What one Respond incident will be, decided before anything is written: title, description, severity, the IOCs
 * linked (mapped types, normalised, once each) and skipped (with why), and the CTIX objects it is recorded against.
 * Kept as JSON on the idempotency claim, so a retry can finish recording an incident already created.
 */
export interface IncidentPlan {
  ctixSourceId: string;
  cftrSourceId: string;
  cftrSourceName: string;
  /** Our key in Respond's `external_id` (lets a duplicate create be recognised). */
  externalId: string;
  kind: CftrOriginKind;
  title: string;
  description: string;
  severity: string | null;
  origins: Array<{ kind: CftrOriginKind; ctixId: string }>;
  linked: Array<{ ctixId: string; ctixType: string; type: IndicatorType; value: string; cftrField: string }>;
  skipped: Array<{ value: string; ctixType: string | null; reason: 'UNMAPPED_TYPE' }>;
}

const KIND_LABEL: Record<CftrOriginKind, string> = { THREAT_DATA: 'threat data', INVESTIGATION: 'threat investigation', BULLETIN: 'threat bulletin' };
const LISTED_OBJECTS = 50;

export function planIncident(selection: Selection, mappings: MappingTable, options: {
  title: string | null; cftrSourceId: string; cftrSourceName: string; externalId: string;
}): IncidentPlan {
  const linked: IncidentPlan['linked'] = [];
  const skipped: IncidentPlan['skipped'] = [];
  const seen = new Set<string>();
  for (const ioc of selection.iocs) {
    const mapping = ioc.ctixType ? mappings.get(ioc.ctixType.toLowerCase()) : undefined;
    if (!mapping) {
      const key = `skip|${ioc.ctixType}|${ioc.value}`;
      if (!seen.has(key)) skipped.push({ value: ioc.value, ctixType: ioc.ctixType, reason: 'UNMAPPED_TYPE' });
      seen.add(key);
      continue;
    }
    const value = normalizeIndicator(mapping.indicatorType, ioc.value);
    const key = `link|${mapping.indicatorType}|${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    linked.push({ ctixId: ioc.ctixId, ctixType: ioc.ctixType!, type: mapping.indicatorType, value, cftrField: mapping.cftrField });
  }
  const origins = [...new Map(selection.origins.map((o) => [`${o.kind}|${o.ctixId}`, o])).values()];
  const confidences = selection.objects.map((o) => o.confidence).filter((c): c is number => c !== null);
  return {
    ctixSourceId: selection.ctixSourceId,
    cftrSourceId: options.cftrSourceId,
    cftrSourceName: options.cftrSourceName,
    externalId: options.externalId,
    kind: selection.kind,
    title: options.title ?? selection.defaultTitle,
    description: describe(selection, skipped),
    severity: severityOf(confidences.length > 0 ? Math.max(...confidences) : null),
    origins,
    linked,
    skipped,
  };
}

export function toNewCftrIncident(plan: IncidentPlan): NewCftrIncident {
  return {
    title: plan.title,
    description: plan.description,
    severity: plan.severity ?? undefined,
    status: 'Open',
    source: 'Intel Exchange',
    externalId: plan.externalId,
    indicators: plan.linked.map((l) => ({ type: l.type, value: l.value, threatIntelType: l.cftrField })),
  };
}

/** CTIX score bands, as XSOAR reads them: ≥71 High, 31–70 Medium, 1–30 Low; no score → Respond's default. */
function severityOf(confidence: number | null): string | null {
  if (confidence === null || confidence <= 0) return null;
  return confidence >= 71 ? 'High' : confidence >= 31 ? 'Medium' : 'Low';
}

/** HTML, as Respond renders descriptions: where it came from, the objects (TLP carried), and what was not linked. */
function describe(selection: Selection, skipped: IncidentPlan['skipped']): string {
  const objects = selection.objects.slice(0, LISTED_OBJECTS).map((o) =>
    `<li>${html(o.type)}: ${html(o.name)}${o.tlp ? ` (TLP:${html(o.tlp)})` : ''}${o.confidence !== null ? `, confidence ${o.confidence}` : ''}</li>`).join('');
  const more = selection.objects.length > LISTED_OBJECTS ? `<li>… and ${selection.objects.length - LISTED_OBJECTS} more</li>` : '';
  const notLinked = skipped.length === 0 ? ''
    : `<p>Not linked (no indicator type mapping): ${skipped.map((s) => `${html(s.value)} (${html(s.ctixType ?? 'unknown type')})`).join(', ')}</p>`;
  return `<p>Created by socgraph from Intel Exchange ${KIND_LABEL[selection.kind]} (source ${html(selection.ctixSourceName)}).</p>` +
    `<ul>${objects}${more}</ul>${notLinked}`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
