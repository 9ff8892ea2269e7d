import { randomBytes, randomInt } from 'node:crypto';
import { LEVELS } from './incident-input.js';
import type { CftrIncident, CftrStore } from './store.js';

/**
 * Bulk incidents for benches, as Respond's own analysts and rules would have created them: `count` incidents
 * over the last 30 days, each linked to `iocsPerObject` threat-intel records of mixed types.
 */

const TYPES = ['Malware', 'Phishing', 'Unauthorized Access', 'Data Exfiltration', 'Denial of Service'];
const PHASES = ['Detection and Analysis', 'Containment', 'Eradication', 'Recovery'];
const THIRTY_DAYS_MS = 30 * 86_400_000;

export function seedIncidents(store: CftrStore, count: number, iocsPerObject: number): CftrIncident[] {
  const created: CftrIncident[] = [];
  for (let i = 0; i < count; i += 1) {
    const serial = store.incidents.size + 1;
    const incidentType = TYPES[i % TYPES.length]!;
    const threatIntel = Array.from({ length: iocsPerObject }, (_, j) => threatIntelValue(serial * 100 + j));
    created.push(store.createIncident({
      title: `${incidentType} activity reported by Intel Exchange rule #${serial}`,
      description: `<p>Generated incident ${serial}.</p>`,
      level: LEVELS[i % LEVELS.length]!,
      status: i % 5 === 4 ? 'Closed' : 'Open',
      phase: PHASES[i % PHASES.length]!,
      incident_type: incidentType,
      business_unit: ['Corporate IT'],
      source: 'Intel Exchange',
    }, threatIntel, new Date(Date.now() - randomInt(THIRTY_DAYS_MS))));
  }
  return created;
}

function threatIntelValue(serial: number): { value: string; type: string } {
  switch (serial % 4) {
    case 0: return { type: 'IP', value: `198.18.${(serial >> 8) & 255}.${serial & 255}` };
    case 1: return { type: 'Domain', value: `host-${serial}.bench.example` };
    case 2: return { type: 'URL', value: `https://host-${serial}.bench.example/${randomBytes(3).toString('hex')}` };
    default: return { type: 'SHA256', value: randomBytes(32).toString('hex') };
  }
}
