import pLimit from 'p-limit';
import { notFound, badUserInput } from '../../domain/errors.js';
import type { HubServices } from '../../services/hub-services.js';
import type { RegisteredSource } from '../../services/source-registry.js';
import type { CtixClient } from '../../sources/cyware-ctix/client.js';
import { ctixIocType, nodeCtixIocType } from '../../sources/cyware-ctix/map.js';
import type { CanvasNodeWire, RelatedObjectWire } from '../../sources/cyware-ctix/wire.js';
import { VendorError } from '../../sources/http/vendor-error.js';
import type { CftrOriginKind } from './entities/cftr-incident-origin.entity.js';
import { CTIX, sourceById } from './pick-source.js';
import { fromThreatId, type ThreatKind } from './threat-ids.js';
import { cywareCtixManifest } from '../../sources/cyware-ctix/manifest.js';

/**
 * What a `createCftrIncident` input selects in Intel Exchange, read live: the objects it is made from (recorded
 * as the incident's origins), their IOCs (an indicator object is its own IOC; any other object contributes the
 * indicators related to it), a default title and the highest confidence (the incident's severity).
 */

export type SelectionInput =
  | { kind: 'THREAT_DATA'; threatDataIds: string[] }
  | { kind: 'INVESTIGATION'; id: string; nodeIds: string[] | null }
  | { kind: 'BULLETIN'; id: string };

export interface SelectedObject {
  ctixId: string;
  type: string;
  name: string;
  confidence: number | null;
  tlp: string | null;
}

export interface SelectedIoc {
  /** CTIX id of the IOC object. */
  ctixId: string;
  ctixType: string | null;
  value: string;
}

export interface Selection {
  ctixSourceId: string;
  ctixSourceName: string;
  kind: CftrOriginKind;
  defaultTitle: string;
  /** What the incident is recorded against: the investigation or bulletin itself, and each selected object. */
  origins: Array<{ kind: CftrOriginKind; ctixId: string }>;
  objects: SelectedObject[];
  iocs: SelectedIoc[];
}

/** CTIX reads in flight per selection. */
const READ_CONCURRENCY = 10;
const TITLE_MAX = 200;

export async function readSelection(hub: HubServices, input: SelectionInput): Promise<Selection> {
  switch (input.kind) {
    case 'THREAT_DATA': return readThreatData(hub, input.threatDataIds);
    case 'INVESTIGATION': return readInvestigation(hub, input.id, input.nodeIds);
    case 'BULLETIN': return readBulletin(hub, input.id);
  }
}

async function readThreatData(hub: HubServices, ids: string[]): Promise<Selection> {
  const refs = [...new Set(ids)].map((id) => {
    const ref = fromThreatId('ThreatDataObject', id);
    if (!ref) throw notFound(`threatDataIds: '${id}' is not a known threat data object (use ThreatDataObject.id from threatData)`);
    return { id, ...ref };
  });
  const sourceIds = new Set(refs.map((r) => r.sourceId));
  if (sourceIds.size > 1) throw badUserInput('threatDataIds: the objects come from different Intel Exchange sources; one incident is made from one source', 'input.threatDataIds');
  const source = ctixSource(hub, refs[0]!.sourceId, refs[0]!.id, 'threat data object');
  const client = hub.sources.client(source.config.name, cywareCtixManifest);
  const limit = pLimit(READ_CONCURRENCY);
  const read = await Promise.all(refs.map((ref) => limit(async () => {
    const what = `threat data object ${ref.id} (${ref.type} ${ref.ctixId})`;
    // The id carries the STIX type, so an object's detail and its related indicators are read at once.
    const [detail, related] = await Promise.all([
      orNotFound(client.getThreatData(ref.type!, ref.ctixId), what, source),
      ref.type === 'indicator' ? null : orNotFound(client.relatedIndicators(ref.type!, ref.ctixId), what, source),
    ]);
    const object: SelectedObject = {
      ctixId: ref.ctixId, type: detail.type, name: detail.name, confidence: detail.analyst_score ?? detail.confidence_score ?? null,
      tlp: detail.analyst_tlp ?? detail.tlp ?? null,
    };
    const iocs: SelectedIoc[] = related === null
      ? [{ ctixId: ref.ctixId, ctixType: ctixIocType(detail), value: detail.attribute_value ?? detail.name }]
      : relatedIocs(related);
    return { object, iocs };
  })));
  const objects = read.map((r) => r.object);
  return {
    ctixSourceId: source.entity.id, ctixSourceName: source.config.name, kind: 'THREAT_DATA',
    defaultTitle: titleOf(objects.map((o) => o.name)),
    origins: objects.map((o) => ({ kind: 'THREAT_DATA' as const, ctixId: o.ctixId })),
    objects,
    iocs: read.flatMap((r) => r.iocs),
  };
}

async function readInvestigation(hub: HubServices, id: string, nodeIds: string[] | null): Promise<Selection> {
  const ref = fromThreatId('ThreatInvestigation', id);
  if (!ref) throw notFound(`investigation.id: '${id}' is not a known threat investigation (use ThreatInvestigation.id)`);
  const source = ctixSource(hub, ref.sourceId, id, 'threat investigation');
  const client = hub.sources.client(source.config.name, cywareCtixManifest);
  const [canvas, nodes] = await Promise.all([
    orNotFound(client.getInvestigation(ref.ctixId), `threat investigation ${id}`, source),
    orNotFound(client.investigationNodes(ref.ctixId), `threat investigation ${id}`, source),
  ]);
  let chosen: CanvasNodeWire[] = nodes;
  if (nodeIds) {
    const byId = new Map(nodes.map((n) => [n.prop.id ?? n.prop.stix_object_id ?? n.id, n]));
    chosen = [...new Set(nodeIds)].map((nodeId) => {
      const nodeRef = fromThreatId('ThreatDataObject', nodeId);
      const node = nodeRef && nodeRef.sourceId === ref.sourceId ? byId.get(nodeRef.ctixId) : undefined;
      if (!node) throw notFound(`investigation.nodeIds: '${nodeId}' is not a node of investigation '${canvas.name}'`);
      return node;
    });
  }
  if (chosen.length === 0) throw badUserInput(`investigation '${canvas.name}' has no nodes: nothing to make an incident from`, 'input.investigation');
  const limit = pLimit(READ_CONCURRENCY);
  const read = await Promise.all(chosen.map((node) => limit(async () => {
    const ctixId = node.prop.id ?? node.prop.stix_object_id ?? node.id;
    const type = node.prop.parent_type ?? 'unknown';
    const object: SelectedObject = {
      ctixId, type, name: node.t, confidence: node.prop.confidence_score ?? node.prop.score ?? null, tlp: node.prop.tlp ?? node.prop.tlp_data ?? null,
    };
    const iocs: SelectedIoc[] = type === 'indicator'
      ? [{ ctixId, ctixType: nodeCtixIocType(node), value: node.t }]
      : relatedIocs(await client.relatedIndicators(type, ctixId));
    return { object, iocs };
  })));
  const objects = read.map((r) => r.object);
  return {
    ctixSourceId: source.entity.id, ctixSourceName: source.config.name, kind: 'INVESTIGATION',
    defaultTitle: clip(canvas.name),
    origins: [{ kind: 'INVESTIGATION', ctixId: ref.ctixId }, ...objects.map((o) => ({ kind: 'THREAT_DATA' as const, ctixId: o.ctixId }))],
    objects,
    iocs: read.flatMap((r) => r.iocs),
  };
}

async function readBulletin(hub: HubServices, id: string): Promise<Selection> {
  const ref = fromThreatId('ThreatBulletin', id);
  if (!ref) throw notFound(`bulletinId: '${id}' is not a known threat bulletin (use ThreatBulletin.id)`);
  const source = ctixSource(hub, ref.sourceId, id, 'threat bulletin');
  const client = hub.sources.client(source.config.name, cywareCtixManifest);
  const bulletin = await orNotFound(client.getBulletin(ref.ctixId), `threat bulletin ${id}`, source);
  const members = await client.bulletinObjects(bulletin);
  if (members.length === 0) throw badUserInput(`bulletin '${bulletin.title}' has no threat data objects: nothing to make an incident from`, 'input.bulletinId');
  const limit = pLimit(READ_CONCURRENCY);
  const read = await Promise.all(members.map((member) => limit(async () => {
    const object: SelectedObject = {
      ctixId: member.id, type: member.type, name: member.name, confidence: member.analyst_score ?? member.confidence_score ?? null,
      tlp: member.analyst_tlp ?? member.tlp ?? null,
    };
    const iocs: SelectedIoc[] = member.type === 'indicator'
      ? relatedIocs([member])
      : relatedIocs(await client.relatedIndicators(member.type, member.id));
    return { object, iocs };
  })));
  const objects = read.map((r) => r.object);
  return {
    ctixSourceId: source.entity.id, ctixSourceName: source.config.name, kind: 'BULLETIN',
    defaultTitle: clip(bulletin.title),
    origins: [{ kind: 'BULLETIN', ctixId: ref.ctixId }, ...objects.map((o) => ({ kind: 'THREAT_DATA' as const, ctixId: o.ctixId }))],
    objects,
    iocs: read.flatMap((r) => r.iocs),
  };
}

function relatedIocs(related: RelatedObjectWire[]): SelectedIoc[] {
  return related.filter((r) => r.type === 'indicator').map((r) => ({ ctixId: r.id, ctixType: ctixIocType(r), value: r.name }));
}

function ctixSource(hub: HubServices, sourceId: string, id: string, what: string): RegisteredSource {
  const source = sourceById(hub, CTIX, sourceId);
  if (!source) throw notFound(`'${id}' is not a known ${what}: its Intel Exchange source is not configured`);
  return source;
}

/** A CTIX 404 for the selected thing → NOT_FOUND; any other failure passes (UPSTREAM_* naming the source). */
async function orNotFound<T>(promise: Promise<T>, what: string, source: RegisteredSource): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof VendorError && error.code === 'UPSTREAM_NOT_FOUND') throw notFound(`${what} was not found in Intel Exchange source ${source.config.name}`);
    throw error;
  }
}

/** One name; or the first two and how many more. */
function titleOf(names: string[]): string {
  if (names.length <= 2) return clip(names.join(', '));
  return clip(`${names[0]}, ${names[1]} and ${names.length - 2} more`);
}

function clip(title: string): string {
  return title.length <= TITLE_MAX ? title : `${title.slice(0, TITLE_MAX - 1)}…`;
}

export type { ThreatKind };
