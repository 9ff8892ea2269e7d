import type { DataSource } from 'typeorm';
import { ABUSEIPDB } from '../../src/sources/abuseipdb/vendor-id.js';
import { IBM_RESILIENT } from '../../src/sources/ibm-resilient/vendor-id.js';
import { SECUREWORKS_CTP } from '../../src/sources/secureworks-ctp/vendor-id.js';
import { VIRUSTOTAL } from '../../src/sources/virustotal/vendor-id.js';
import {
  AttachmentEntity, EnrichmentEntity, IncidentEntity, IncidentNoteEntity, IndicatorEntity, SightingEntity, TicketEntity,
  TicketIncidentEntity, WorklogEntity,
} from '../../src/store/entities/index.js';
import type { TestHub } from './hub.js';

/**
 * Dashboard rows for the read tests: two sources, `INCIDENTS` incidents with two linked tickets each (three worklogs
 * and an attachment per ticket), an attachment and two notes per incident, and two indicators with two enrichments each.
 */
export const INCIDENTS = 12;
const base = Date.parse('2026-11-01T00:00:00Z');
const at = (minutes: number) => new Date(base + minutes * 60_000);

export async function seedDashboardRows(hub: TestHub): Promise<void> {
  await hub.services.sources.register([
    { name: 'ctp', vendor: SECUREWORKS_CTP, baseUrl: 'http://127.0.0.1:1/api', enabled: true, sandbox: true, tlsVerify: true,
      pollIntervalSeconds: 0, timeoutMs: 1000, credentials: {}, settings: {} },
    { name: 'soar', vendor: IBM_RESILIENT, baseUrl: 'http://127.0.0.1:1/rest', enabled: true, sandbox: true, tlsVerify: true,
      pollIntervalSeconds: 0, timeoutMs: 1000, credentials: {}, settings: {} },
  ]);
  const ctp = hub.services.sources.get('ctp')!.entity.id;
  const soar = hub.services.sources.get('soar')!.entity.id;
  const db: DataSource = hub.services.dataSource;
  for (let n = 0; n < INCIDENTS; n++) {
    const incident = await db.getRepository(IncidentEntity).save({
      sourceId: soar, externalId: String(2000 + n), url: null, title: `Incident ${n}`, description: null, status: n % 3 === 0 ? 'CLOSED' : 'OPEN',
      severity: n % 2 ? 'High' : null, phase: 'Respond', resolution: null, resolutionSummary: null, customFields: { n }, version: null,
      createdAt: at(n), updatedAt: at(100 + (n % 5)), closedAt: n % 3 === 0 ? at(200 + n) : null,
    });
    // Two tickets per incident, linked second-made first: the answer follows the links, not the tickets' ages.
    let lastTicket = '';
    for (const k of [1, 0]) {
      const ticket = await db.getRepository(TicketEntity).save({
        sourceId: ctp, externalId: `IN${n}-${k}`, url: null, title: `Ticket ${n}.${k}`, description: 'd', status: 'OPEN', vendorStatus: 'New',
        priority: 'HIGH', ticketType: 'INCIDENT', groupingType: 'SECURITY', closeCode: null, closeCodes: k ? ['Resolved', 'Duplicate'] : null, version: 'v1',
        fields: k ? { queue: 'SOC', tags: [n, 'x'] } : {},
        createdAt: at(n + k), updatedAt: at(50 + n + k), closedAt: null,
      });
      lastTicket = ticket.id;
      await db.getRepository(TicketIncidentEntity).save({ ticketId: ticket.id, incidentId: incident.id, incidentSourceId: soar });
      for (const w of [2, 0, 1]) {
        await db.getRepository(WorklogEntity).save({ ticketId: ticket.id, externalKey: `${n}-${k}-${w}`, author: 'analyst', type: 'Note', body: `worklog ${w}`, createdAt: at(10 + w) });
      }
      await db.getRepository(AttachmentEntity).save({ ticketId: ticket.id, incidentId: null, externalId: `a-${n}-${k}`, name: 'mail.eml', contentType: 'message/rfc822', size: 100 + n, originKey: null });
    }
    await db.getRepository(AttachmentEntity).save({ ticketId: null, incidentId: incident.id, externalId: `ia-${n}`, name: 'report.pdf', contentType: null, size: null, originKey: null });
    for (const k of [1, 0]) {
      await db.getRepository(IncidentNoteEntity).save({ incidentId: incident.id, externalId: `note-${n}-${k}`, originKey: null, body: `note ${k}`, createdAt: at(20 + k) });
    }
    for (const k of [1, 0]) {
      const indicator = await db.getRepository(IndicatorEntity).save({
        type: 'IPV4', value: `10.0.${n}.${k}`, verdict: k ? 'MALICIOUS' : 'HARMLESS', score: k ? 90 : null, firstSeenAt: at(k), lastSeenAt: at(300),
      });
      await db.getRepository(SightingEntity).save({ indicatorId: indicator.id, subjectType: 'INCIDENT', subjectId: incident.id, sourceId: soar, firstSeenAt: at(30 + k), lastSeenAt: at(300) });
      if (k) await db.getRepository(SightingEntity).save({ indicatorId: indicator.id, subjectType: 'TICKET', subjectId: lastTicket, sourceId: ctp, firstSeenAt: at(40), lastSeenAt: at(310) });
      for (const provider of [VIRUSTOTAL, ABUSEIPDB]) {
        await db.getRepository(EnrichmentEntity).save({
          indicatorId: indicator.id, provider, source: provider.toLowerCase(), verdict: 'MALICIOUS', score: 80, summary: `${provider} ${k}`, details: { engines: k + 1 },
          link: k ? `https://example.test/${n}` : null, notFound: provider === ABUSEIPDB && !k, fetchedAt: at(300), expiresAt: at(900),
        });
      }
    }
  }
}
