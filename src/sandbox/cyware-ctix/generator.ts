import { randomBytes, randomInt } from 'node:crypto';
import type { CtixObject, CtixStore } from './store.js';

/**
 * Realistic bulk threat data for benches: `count` objects (reports, malware, threat actors, campaigns,
 * intrusion sets) each related to `iocsPerObject` fresh IOCs of mixed types, spread over the last 30 days.
 */

const OBJECT_TYPES = ['report', 'malware', 'threat-actor', 'campaign', 'intrusion-set'] as const;
const IOC_TYPES = ['ipv4-addr', 'domain-name', 'url', 'SHA-256', 'MD5', 'email-addr', 'SHA-1', 'ipv6-addr'] as const;
const ADJECTIVES = ['silent', 'crimson', 'hollow', 'frozen', 'velvet', 'iron', 'amber', 'shadow', 'northern', 'lunar'];
const NOUNS = ['harbor', 'falcon', 'lantern', 'orchid', 'cascade', 'meridian', 'quarry', 'sparrow', 'glacier', 'tundra'];
const TLDS = ['com', 'net', 'info', 'xyz', 'top', 'ru', 'cn', 'io'];
const TLPS = ['AMBER', 'GREEN', 'RED', 'CLEAR'];
const THIRTY_DAYS = 30 * 86_400;

export function seedThreatData(store: CtixStore, count: number, iocsPerObject: number): CtixObject[] {
  const now = Math.floor(Date.now() / 1000);
  const feed = store.ensureSource('Sandbox Threat Feed', 'API_FEEDS');
  const created: CtixObject[] = [];
  let serial = store.objects.size;
  for (let i = 0; i < count; i += 1) {
    const type = OBJECT_TYPES[i % OBJECT_TYPES.length]!;
    const at = now - randomInt(THIRTY_DAYS);
    const tlp = TLPS[i % TLPS.length]!;
    const object = store.addObject({
      type, name: objectName(type, ++serial), tlp, confidenceScore: randomInt(101), sources: [feed],
      created: at, ctixCreated: at, ctixModified: at,
    });
    for (let j = 0; j < iocsPerObject; j += 1) {
      const iocType = IOC_TYPES[(i + j) % IOC_TYPES.length]!;
      const indicator = store.addObject({
        type: 'indicator', iocType, name: iocValue(iocType, ++serial), tlp, confidenceScore: randomInt(101), sources: [feed],
        created: at, ctixCreated: at, ctixModified: at,
      });
      store.relate(object.id, indicator.id, type === 'report' ? 'related-to' : 'indicates');
    }
    created.push(object);
  }
  return created;
}

function objectName(type: (typeof OBJECT_TYPES)[number], serial: number): string {
  const words = `${title(pick(ADJECTIVES))} ${title(pick(NOUNS))}`;
  switch (type) {
    case 'report': return `${words} campaign analysis #${serial}`;
    case 'malware': return `${title(pick(NOUNS))}Loader v${serial % 9}.${serial % 7}`;
    case 'threat-actor': return `${words} Group ${serial}`;
    case 'campaign': return `Operation ${words} ${serial}`;
    case 'intrusion-set': return `UNC${serial}`;
  }
}

/** The serial keeps generated values unique; the rest is random. */
function iocValue(iocType: (typeof IOC_TYPES)[number], serial: number): string {
  const domain = `${pick(ADJECTIVES)}-${pick(NOUNS)}${serial}.${pick(TLDS)}`;
  switch (iocType) {
    case 'ipv4-addr': return `${11 + ((serial >> 16) % 116)}.${(serial >> 8) & 255}.${serial & 255}.${randomInt(1, 255)}`;
    case 'ipv6-addr': return `2001:db8:${(serial & 0xffff).toString(16)}:${(serial >> 16).toString(16)}::${randomInt(1, 0xffff).toString(16)}`;
    case 'domain-name': return domain;
    case 'url': return `https://${domain}/${pick(NOUNS)}/${randomBytes(4).toString('hex')}.php`;
    case 'email-addr': return `${pick(NOUNS)}.${pick(ADJECTIVES)}${serial}@${domain}`;
    case 'MD5': return randomBytes(16).toString('hex');
    case 'SHA-1': return randomBytes(20).toString('hex');
    case 'SHA-256': return randomBytes(32).toString('hex');
  }
}

function pick<T>(values: readonly T[]): T {
  return values[randomInt(values.length)]!;
}

function title(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}
