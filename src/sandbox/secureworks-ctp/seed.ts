import type { GroupingType, TicketType } from '../../sources/secureworks-ctp/wire.js';
import type { CtpStatus, CtpStore, TicketRecord, Worklog } from './store.js';

export interface SeedRequest {
  count: number;
  worklogsPerTicket: number;
  attachmentsPerTicket: number;
  attachmentBytes: number;
  ticketType: TicketType;
  groupingType: GroupingType;
  status: CtpStatus;
}

const THREATS = [
  { title: 'Suspicious PowerShell execution', detail: 'Encoded PowerShell command spawned by winword.exe' },
  { title: 'Outbound connection to known C2 infrastructure', detail: 'Beaconing every 60 s to a host on the Counter Threat Unit blocklist' },
  { title: 'Credential dumping attempt', detail: 'lsass.exe memory read by an unsigned binary' },
  { title: 'Brute-force authentication against VPN', detail: '1,200 failed logins from 14 source addresses in 10 minutes' },
  { title: 'Ransomware precursor: shadow copy deletion', detail: 'vssadmin delete shadows /all /quiet' },
  { title: 'Phishing link clicked', detail: 'User followed a credential-harvesting URL from a reported e-mail' },
];
const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const WORKLOG_TYPES = ['Client Notification', 'Client Note', 'Customer Comment'];
const HOUR_MS = 3_600_000;

/**
 * Creates `count` synthetic tickets in one pass (one version per ticket), each with exactly the requested
 * worklogs and attachments (no automatic "Attachment" worklog), so benches can predict what the hub must copy.
 * Attachment bytes are a repeated evidence line, so a copy can be checked by content as well as by size.
 */
export function seedTickets(store: CtpStore, request: SeedRequest): TicketRecord[] {
  const created: TicketRecord[] = [];
  const now = store.now();
  for (let i = 0; i < request.count; i += 1) {
    const threat = THREATS[i % THREATS.length]!;
    const host = `WS-${String(1000 + (i % 9000)).padStart(4, '0')}`;
    const dateCreated = now - HOUR_MS;
    const worklogs: Worklog[] = [];
    for (let w = 0; w < request.worklogsPerTicket; w += 1) {
      const type = WORKLOG_TYPES[w % WORKLOG_TYPES.length]!;
      worklogs.push({
        // System notifications carry no author.
        ...(type === 'Client Notification' ? {} : { createdBy: 'Secureworks SOC' }),
        dateCreated: dateCreated + (w + 1) * 30_000, // 100 worklogs still end before now
        description: `Analyst update ${w + 1} on ${host}:\n${threat.detail}.`,
        type,
      });
    }
    const attachments = Array.from({ length: request.attachmentsPerTicket }, (_, a) => ({
      name: `evidence-${a + 1}.log`,
      content: Buffer.alloc(request.attachmentBytes, `${host} evidence ${a + 1}: ${threat.detail}\n`),
    }));
    created.push(store.create({
      ticketType: request.ticketType,
      groupingType: request.groupingType,
      dateCreated,
      fields: {
        status: request.status,
        priority: PRIORITIES[i % PRIORITIES.length]!,
        symptomDescription: `${threat.title} on ${host}`,
        detailedDescription: `${threat.detail}\nHost: ${host}\nDetected by Secureworks Taegis XDR.`,
      },
      worklogs,
      attachments,
    }));
  }
  return created;
}
