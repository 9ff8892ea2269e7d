/**
 * Turns the outcome of the Ivanti enrichment playbook for one ticket (indicators, provider verdicts,
 * CVEs) into a STIX 2.1 bundle that intel platforms such as CTIX can ingest (`ingest_bundle`).
 */
import { randomUUID } from 'node:crypto';
import { normalizeIndicator, splitUrl } from '../indicators/normalize.js';
import { indicatorPattern, observableFor, observableValue, SPEC_VERSION, toRfc3986, uuidV5 } from './observables.js';
import { providerNotes } from './provider-notes.js';
import type { EnrichedIndicator, EnrichmentBundle, EnrichmentBundleCounts, EnrichmentBundleInput, ProviderEnrichment, StixObject, TlpLevel, Verdict } from './stix-types.js';

export type * from './stix-types.js';
export { deterministicObservableId, indicatorPattern, STIX_SCO_NAMESPACE } from './observables.js';

// Our own namespace for the hub identity's id, so every bundle names the same identity object.
const HUB_IDENTITY_NAMESPACE = 'eefd152a-5064-4559-8144-89785220e193';
const HUB_IDENTITY_CREATED = '2024-01-01T00:00:00.000Z';
const DEFAULT_HUB_NAME = 'socgraph';
const TICKET_SOURCE_NAME = 'ivanti-itsm';
// Same shape external-reference.json demands for source_name 'cve'.
const CVE_ID = /^CVE-\d{4}-(?:0\d{3}|[1-9]\d{3,})$/;

// ---------------------------------------------------------------------------------------------
// TLP markings

/*
 * WHITE, GREEN, AMBER and RED use the TLP 1.0 marking definitions predefined by STIX 2.1 (§7.2.1.4):
 * fixed ids every consumer already knows. CLEAR and AMBER+STRICT only exist in TLP 2.0, so they use
 * the marking definitions OASIS publishes for its TLP 2.0 extension (cti-stix-common-objects,
 * extension-definition--60a3c5c5-…), again with their well-known ids. We do not map CLEAR to WHITE:
 * the ticket said CLEAR, and a TLP 2.0-aware consumer should see exactly that.
 */
const TLP1 = (id: string, level: string): StixObject => ({
  type: 'marking-definition',
  spec_version: SPEC_VERSION,
  id,
  created: '2017-01-20T00:00:00.000Z',
  definition_type: 'tlp',
  name: `TLP:${level.toUpperCase()}`,
  definition: { tlp: level },
});
const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
const TLP2 = (id: string, level: string): StixObject => ({
  type: 'marking-definition',
  spec_version: SPEC_VERSION,
  id,
  created: '2022-10-01T00:00:00.000Z',
  name: `TLP:${level.toUpperCase()}`,
  extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level } },
});

export const TLP_MARKING_DEFINITIONS: Readonly<Record<TlpLevel, StixObject>> = {
  WHITE: TLP1('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'white'),
  GREEN: TLP1('marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'green'),
  AMBER: TLP1('marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'amber'),
  RED: TLP1('marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'red'),
  CLEAR: TLP2('marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', 'clear'),
  'AMBER+STRICT': TLP2('marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003', 'amber+strict'),
};

// ---------------------------------------------------------------------------------------------
// The bundle

const INDICATOR_TYPES_BY_VERDICT: Record<Verdict, string> = {
  MALICIOUS: 'malicious-activity',
  SUSPICIOUS: 'anomalous-activity',
  HARMLESS: 'benign',
  UNKNOWN: 'unknown',
};

function confidence(score: number | null): number | undefined {
  if (score === null || !Number.isFinite(score)) return undefined;
  return Math.round(Math.min(100, Math.max(0, score)));
}

function verdictText(verdict: Verdict, score: number | null): string {
  return score === null ? verdict : `${verdict} (score ${score})`;
}

function ticketReference(ticket: EnrichmentBundleInput['ticket']): Record<string, string> {
  return {
    source_name: TICKET_SOURCE_NAME,
    external_id: ticket.externalId,
    description: ticket.title,
    ...(ticket.url && splitUrl(ticket.url) ? { url: toRfc3986(ticket.url) } : {}),
  };
}

function enrichmentLine(enrichment: ProviderEnrichment): string {
  return `${verdictText(enrichment.verdict, enrichment.score)}: ${enrichment.summary}`;
}

/** One external reference per provider result: where a consumer looks for "who said what, and where". */
function providerReferences(indicator: EnrichedIndicator): Array<Record<string, string>> {
  return indicator.enrichments.map((enrichment) => {
    const url = enrichment.link && splitUrl(enrichment.link) ? toRfc3986(enrichment.link) : undefined;
    const linkText = enrichment.link && !url ? ` (${enrichment.link})` : '';
    return {
      source_name: enrichment.provider || 'unknown provider',
      description: enrichmentLine(enrichment) + linkText,
      ...(url ? { url } : {}),
    };
  });
}

function enrichedDescription(what: string, indicator: EnrichedIndicator, ticket: EnrichmentBundleInput['ticket']): string {
  return [
    `${what} seen in Ivanti ticket ${ticket.externalId} (${ticket.title}). Verdict: ${verdictText(indicator.verdict, indicator.score)}.`,
    ...indicator.enrichments.map((enrichment) => `- ${enrichment.provider}: ${enrichmentLine(enrichment)}`),
    ...(indicator.gaps ?? []).map((gap) => `- ${gap.provider}: no answer (${gap.reason})`),
  ].join('\n');
}

function normalizeCve(raw: string): string {
  const cve = normalizeIndicator('CVE', raw);
  if (!CVE_ID.test(cve)) throw new RangeError(`not a valid CVE id: ${JSON.stringify(raw)}`);
  return cve;
}

/**
 * One bundle for one ticket: the hub identity, the TLP marking, per indicator an indicator SDO, its
 * observable (SCO) and a based-on relationship between them; CVEs become vulnerability SDOs. Every
 * SDO/SRO/SCO carries the TLP marking; SDOs/SROs also `created_by_ref` the hub (SCOs have no such
 * property; the predefined TLP markings are not ours to sign).
 *
 * Each provider's result is published as a `note` referencing the indicator and its observable (or the
 * vulnerability): see provider-notes.ts for why a note. The indicator's description and external references
 * also list them, for consumers that read only indicators. Bundles are validated per object type (validate.ts).
 *
 * Indicators repeated with the same normalised value are kept once (the first).
 */
export function buildEnrichmentBundle(input: EnrichmentBundleInput): EnrichmentBundle {
  const now = (input.now ?? new Date()).toISOString();
  // Copies throughout, so a caller editing one object of the bundle cannot change another (or our constants).
  const marking = structuredClone(TLP_MARKING_DEFINITIONS[input.tlp]);
  const hubName = input.identity?.name ?? DEFAULT_HUB_NAME;
  const identityId = `identity--${uuidV5(HUB_IDENTITY_NAMESPACE, hubName)}`;
  const ticketRef = ticketReference(input.ticket);
  const validFrom = input.ticket.createdAt.toISOString();
  const common = () => ({
    spec_version: SPEC_VERSION,
    created: now,
    modified: now,
    created_by_ref: identityId,
    object_marking_refs: [marking.id],
  });

  // Same id in every bundle; `modified` moves so each bundle's markings apply to a newer version.
  const identity: StixObject = {
    type: 'identity',
    id: identityId,
    ...common(),
    created: HUB_IDENTITY_CREATED,
    modified: now > HUB_IDENTITY_CREATED ? now : HUB_IDENTITY_CREATED,
    name: hubName,
    identity_class: 'system',
  };
  const objects: StixObject[] = [identity, marking];
  const counts: EnrichmentBundleCounts = { indicators: 0, observables: 0, notes: 0, vulnerabilities: 0 };

  const addNotes = (enrichments: ProviderEnrichment[], objectRefs: string[]): void => {
    const notes = providerNotes(enrichments, { objectRefs, common, uri: (link) => (splitUrl(link) ? toRfc3986(link) : null) });
    objects.push(...notes);
    counts.notes += notes.length;
  };

  const vulnerabilities = new Map<string, StixObject>();
  const addVulnerability = (cve: string, enrichment?: EnrichedIndicator): void => {
    if (vulnerabilities.has(cve)) return;
    const vulnerability: StixObject = {
      type: 'vulnerability',
      id: `vulnerability--${randomUUID()}`,
      ...common(),
      name: cve,
      ...(enrichment?.enrichments.length ? { description: enrichedDescription(cve, enrichment, input.ticket) } : {}),
      external_references: [{ source_name: 'cve', external_id: cve }, { ...ticketRef }, ...(enrichment ? providerReferences(enrichment) : [])],
    };
    vulnerabilities.set(cve, vulnerability);
    objects.push(vulnerability);
    counts.vulnerabilities += 1;
    addNotes(enrichment?.enrichments ?? [], [vulnerability.id]);
  };

  const seen = new Set<string>();
  for (const indicator of input.indicators) {
    if (indicator.type === 'CVE') {
      addVulnerability(normalizeCve(indicator.value), indicator);
      continue;
    }
    const value = observableValue(indicator.type, indicator.value);
    const key = `${indicator.type}\u0000${value}`;
    if (seen.has(key)) continue;
    seen.add(key);

    const observable = { ...observableFor(indicator.type, value), object_marking_refs: [marking.id] };
    const indicatorId = `indicator--${randomUUID()}`;
    const score = confidence(indicator.score);
    objects.push(observable, {
      type: 'indicator',
      id: indicatorId,
      ...common(),
      name: value,
      description: enrichedDescription(indicator.type, indicator, input.ticket),
      indicator_types: [INDICATOR_TYPES_BY_VERDICT[indicator.verdict]],
      pattern: indicatorPattern(indicator.type, value),
      pattern_type: 'stix',
      pattern_version: SPEC_VERSION,
      valid_from: validFrom,
      ...(score === undefined ? {} : { confidence: score }),
      external_references: [{ ...ticketRef }, ...providerReferences(indicator)],
    });
    objects.push({
      type: 'relationship',
      id: `relationship--${randomUUID()}`,
      ...common(),
      relationship_type: 'based-on',
      source_ref: indicatorId,
      target_ref: observable.id,
    });
    counts.indicators += 1;
    counts.observables += 1;
    addNotes(indicator.enrichments, [indicatorId, observable.id]);
  }
  for (const cve of input.cves ?? []) addVulnerability(normalizeCve(cve));

  return { bundle: { type: 'bundle', id: `bundle--${randomUUID()}`, objects }, counts };
}
