import { IndicatorType } from '../../../schema/enums.js';
import { ThreatBulletin, ThreatDataObject, ThreatInvestigation } from './threat-data.type.js';
import {
  ctixIocType, nodeCtixIocType, nodeToThreatDataObject, toIndicatorType, toThreatDataObject,
} from '../../../sources/cyware-ctix/map.js';
import type { BulletinWire, CanvasNodeWire, CanvasWire, ThreatDataDetailWire, ThreatDataWire } from '../../../sources/cyware-ctix/wire.js';
import { toThreatId } from '../threat-ids.js';

/** CTIX wire objects → GraphQL objects, with our opaque ids. */

export function presentThreatData(sourceId: string, wire: (ThreatDataWire | ThreatDataDetailWire) & { id: string }): ThreatDataObject {
  const object = toThreatDataObject(wire);
  const iocType = ctixIocType(wire);
  return Object.assign(new ThreatDataObject(), {
    ...object,
    id: toThreatId('ThreatDataObject', { sourceId, type: wire.type, ctixId: wire.id }),
    sourceId,
    ctixId: wire.id,
    iocType,
    indicatorType: (toIndicatorType(iocType) as IndicatorType | null) ?? null,
  });
}

export function presentNode(sourceId: string, node: CanvasNodeWire): ThreatDataObject {
  const object = nodeToThreatDataObject(node);
  const iocType = nodeCtixIocType(node);
  return Object.assign(new ThreatDataObject(), {
    ...object,
    id: toThreatId('ThreatDataObject', { sourceId, type: object.type, ctixId: object.id }),
    sourceId,
    ctixId: object.id,
    iocType,
    indicatorType: (toIndicatorType(iocType) as IndicatorType | null) ?? null,
  });
}

export function presentInvestigation(sourceId: string, canvas: CanvasWire): ThreatInvestigation {
  return Object.assign(new ThreatInvestigation(), {
    id: toThreatId('ThreatInvestigation', { sourceId, type: null, ctixId: canvas.id }),
    sourceId,
    ctixId: canvas.id,
    name: canvas.name,
    sharedType: canvas.shared_type ?? null,
    createdAt: fromEpoch(canvas.created),
    modifiedAt: fromEpoch(canvas.modified),
  });
}

export function presentBulletin(sourceId: string, bulletin: BulletinWire): ThreatBulletin {
  return Object.assign(new ThreatBulletin(), {
    id: toThreatId('ThreatBulletin', { sourceId, type: null, ctixId: bulletin.id }),
    sourceId,
    reportId: bulletin.report_id ?? null,
    ctixId: bulletin.id,
    title: bulletin.title,
    status: bulletin.status,
    tlp: bulletin.tlp ?? null,
    createdAt: fromEpoch(bulletin.created),
    modifiedAt: fromEpoch(bulletin.modified),
  });
}

function fromEpoch(seconds: number | null | undefined): Date | null {
  return seconds === null || seconds === undefined ? null : new Date(seconds * 1000);
}
