import { randomBytes } from 'node:crypto';
import type { GroupingType, TicketType } from '../../sources/secureworks-ctp/wire.js';
import { PendingFeed, type FeedFilter } from './pending-feed.js';

export const CTP_STATUSES = ['New', 'Active', 'Queued', 'Pending', 'Resolved', 'Closed'] as const;
export type CtpStatus = (typeof CTP_STATUSES)[number];

/** The list recorded on a real INCIDENT ticket (XSOAR's README, IBM's default select values). */
export const DEFAULT_CLOSE_CODES = [
  'Mitigated by Security Controls', 'Authorized/Expected', 'Inconclusive', 'True Positive', 'False Positive',
  'Not Relevant', 'Duplicate - Previously Escalated', 'Work Completed',
];

const FEED_WINDOW_MS = 24 * 60 * 60 * 1000;
const ID_PREFIX: Record<TicketType, string> = { INCIDENT: 'IN', SERVICE_REQUEST: 'SR', CHANGE: 'CH' };
const FIRST_NUMBER: Record<TicketType, number> = { INCIDENT: 30_000_001, SERVICE_REQUEST: 11_540_001, CHANGE: 5_100_001 };

export interface IdName {
  id: string;
  name: string;
}

export interface Worklog {
  createdBy?: string;
  dateCreated: number;
  description: string;
  type: string;
}

export interface StoredAttachment {
  id: string;
  name: string;
  content: Buffer;
}

/** Ticket fields CTP serves as stored: everything but identity, dates, version, worklogs, attachments and actions. */
export interface TicketFields {
  status: CtpStatus;
  priority: string;
  impact: string;
  urgency: string;
  symptomDescription: string;
  detailedDescription: string;
  client: IdName;
  clientLocation: IdName;
  contact: IdName;
  category: string;
  categoryClass: string;
  categoryType: string;
  categoryItem: string;
  requestType: string;
  reason: string | null;
  assignedGroup: string;
  responsibleParty: 'CLIENT' | 'SOC';
  eventSource?: string;
  isGlobalParent: boolean;
  isGlobalChild: boolean;
  customerMiscellaneous1?: string;
  customerMiscellaneous2?: string;
  customerMiscellaneous3?: string;
  customerMiscellaneous4?: string;
  externalTicketNum?: string;
  externalTicketNum2?: string;
  externalGroupName?: string;
  vendor?: string;
  devices: IdName[];
  watchers: string[];
  relatedTickets: unknown[];
}

export interface TicketRecord {
  ticketId: string;
  ticketType: TicketType;
  groupingType: GroupingType;
  fields: TicketFields;
  dateCreated: number;
  dateModified: number;
  dateClosed: number | null;
  /** Opaque, new on every change; acknowledging it takes the ticket out of the feed. */
  version: string;
  ackedVersion: string | null;
  changeSeq: number;
  /** Worklogs the ticket had when last acknowledged: `worklogs=UPDATED` serves the ones after. */
  worklogsAtAck: number;
  /** Oldest first (served newest first). */
  worklogs: Worklog[];
  attachments: StoredAttachment[];
  closeCodes: string[];
  closeAvailable: boolean;
}

export interface NewTicket {
  ticketType: TicketType;
  groupingType: GroupingType;
  fields?: Partial<TicketFields>;
  dateCreated?: number;
  worklogs?: Worklog[];
  attachments?: { name: string; content: Buffer }[];
  closeCodes?: string[];
  closeAvailable?: boolean;
}

export type AcknowledgeCode = 'SUCCESS' | 'TICKET_NOT_FOUND' | 'STALE_VERSION';

/** What the hub wrote through the API, kept for tests and benches to read back. */
export type HubWrite = { at: number; ticketId: string } & (
  | { kind: 'acknowledge'; version: string; code: AcknowledgeCode }
  | { kind: 'close'; closeCode: string; worklogContent: string | null }
  | { kind: 'worklog'; content: string }
  | { kind: 'update'; changes: Record<string, unknown> }
);
export type HubWriteKind = HubWrite['kind'];

export interface CloseRequest {
  closeCode: string;
  worklogContent: string | null;
  status: 'Closed' | 'Resolved';
  closedBy: string;
}

/**
 * In-memory CTP account: tickets, the unacknowledged-updates feed and a journal of what the hub wrote.
 * Every change to a ticket gets a new version and modification date, and puts the ticket back in the feed.
 */
export class CtpStore {
  private readonly tickets = new Map<string, TicketRecord>();
  private readonly feed = new PendingFeed<TicketRecord>();
  private writes: HubWrite[] = [];
  private nextNumber = { ...FIRST_NUMBER };
  private nextAttachmentId = 1_728_318;
  private changeSeq = 0;
  /** Moves the sandbox clock (tests of the 24-hour feed window). */
  clockOffsetMs = 0;
  /** IBM's comment says a ticket must be acknowledged before it is closed; whether CTP enforces it is unknown. */
  requireAcknowledgeBeforeClose = false;

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  get size(): number {
    return this.tickets.size;
  }

  get(ticketId: string): TicketRecord | undefined {
    return this.tickets.get(ticketId);
  }

  create(input: NewTicket): TicketRecord {
    const now = this.now();
    const ticketId = ID_PREFIX[input.ticketType] + String(this.nextNumber[input.ticketType]++);
    const fields = { ...defaultFields(), ...input.fields };
    const record: TicketRecord = {
      ticketId,
      ticketType: input.ticketType,
      groupingType: input.groupingType,
      fields,
      dateCreated: input.dateCreated ?? now,
      dateModified: now,
      dateClosed: isClosed(fields.status) ? now : null,
      version: '',
      ackedVersion: null,
      changeSeq: 0,
      worklogsAtAck: 0,
      worklogs: [...(input.worklogs ?? [])].sort((a, b) => a.dateCreated - b.dateCreated),
      attachments: (input.attachments ?? []).map(({ name, content }) => ({ id: this.attachmentId(), name, content })),
      closeCodes: input.closeCodes ?? [...DEFAULT_CLOSE_CODES],
      closeAvailable: input.closeAvailable ?? true,
    };
    this.tickets.set(ticketId, record);
    this.changed(record, now);
    return record;
  }

  /** A change made by Secureworks (status, priority, descriptions, ...). */
  update(record: TicketRecord, fields: Partial<TicketFields>): void {
    const now = this.now();
    const wasClosed = isClosed(record.fields.status);
    record.fields = { ...record.fields, ...fields };
    const closed = isClosed(record.fields.status);
    if (closed && !wasClosed) record.dateClosed = now;
    if (!closed) record.dateClosed = null;
    this.changed(record, now);
  }

  addWorklog(record: TicketRecord, worklog: Omit<Worklog, 'dateCreated'>): Worklog {
    const now = this.now();
    const last = record.worklogs.at(-1);
    // `dateCreated` + `type` identifies a worklog, so two in the same millisecond must not collide.
    const added: Worklog = { ...worklog, dateCreated: Math.max(now, (last?.dateCreated ?? 0) + 1) };
    record.worklogs.push(added);
    this.changed(record, now);
    return added;
  }

  /** Adds a file and, as the portal does, an "Attachment" worklog announcing it. */
  addAttachment(record: TicketRecord, name: string, content: Buffer, createdBy: string): StoredAttachment {
    const attachment = { id: this.attachmentId(), name, content };
    record.attachments.push(attachment);
    this.addWorklog(record, { createdBy, description: `Attachment added to ticket: ${name}\n.`, type: 'Attachment' });
    return attachment;
  }

  setCloseCodes(record: TicketRecord, closeCodes: string[], available: boolean): void {
    // Account configuration rather than a ticket change: no new version.
    record.closeCodes = closeCodes;
    record.closeAvailable = available;
  }

  /** Why CTP would refuse `POST /tickets/{id}/close` with this code, or null when it may close. */
  closeRefusal(record: TicketRecord, closeCode: string): string | null {
    if (record.fields.status === 'Closed') return `Ticket ${record.ticketId} is already closed`;
    if (!record.closeAvailable) return `Close is not an available action for ticket ${record.ticketId}`;
    if (!record.closeCodes.includes(closeCode)) return `Invalid closeCode '${closeCode}' for ticket ${record.ticketId}`;
    if (this.requireAcknowledgeBeforeClose && record.ackedVersion !== record.version) {
      return `Ticket ${record.ticketId} must be acknowledged before it is closed`;
    }
    return null;
  }

  close(record: TicketRecord, request: CloseRequest): void {
    record.fields = { ...record.fields, status: request.status, reason: request.closeCode };
    record.dateClosed = this.now();
    if (request.worklogContent) {
      this.addWorklog(record, { createdBy: request.closedBy, description: request.worklogContent, type: 'Customer Comment' });
    } else {
      this.changed(record, this.now());
    }
  }

  /** Acknowledges a version; only the current one takes the ticket out of the feed. */
  acknowledge(ticketId: string, version: string): AcknowledgeCode {
    const record = this.tickets.get(ticketId);
    if (!record) return 'TICKET_NOT_FOUND';
    if (record.version !== version) return 'STALE_VERSION';
    record.ackedVersion = version;
    record.worklogsAtAck = record.worklogs.length;
    this.feed.acknowledged(record);
    return 'SUCCESS';
  }

  /** Changed, unacknowledged tickets of the past 24 hours, oldest change first. */
  *pending(filter: FeedFilter): Generator<TicketRecord> {
    yield* this.feed.inChangeOrder(filter, this.now() - FEED_WINDOW_MS);
  }

  recordWrite(write: HubWrite): void {
    this.writes.push(write);
  }

  listWrites(filter: { kind?: HubWriteKind; ticketId?: string } = {}): HubWrite[] {
    return this.writes.filter((w) => (!filter.kind || w.kind === filter.kind) && (!filter.ticketId || w.ticketId === filter.ticketId));
  }

  reset(): void {
    this.tickets.clear();
    this.feed.clear();
    this.writes = [];
    this.nextNumber = { ...FIRST_NUMBER };
    this.nextAttachmentId = 1_728_318;
    this.changeSeq = 0;
    this.clockOffsetMs = 0;
    this.requireAcknowledgeBeforeClose = false;
  }

  private changed(record: TicketRecord, now: number): void {
    record.version = randomBytes(50).toString('hex'); // ~100 hex characters, like CTP's
    record.dateModified = now;
    record.changeSeq = ++this.changeSeq;
    this.feed.changed(record);
  }

  private attachmentId(): string {
    return String(this.nextAttachmentId++);
  }
}

function isClosed(status: CtpStatus): boolean {
  return status === 'Closed' || status === 'Resolved';
}

function defaultFields(): TicketFields {
  return {
    status: 'New',
    priority: 'MEDIUM',
    impact: 'MEDIUM',
    urgency: 'MEDIUM',
    symptomDescription: '',
    detailedDescription: '',
    client: { id: '3016296', name: 'Sandbox Client' },
    clientLocation: { id: '752373', name: 'Sandbox Client - Headquarters' },
    contact: { id: '2215505', name: 'Jordan Lee' },
    category: 'Security',
    categoryClass: 'Security Event',
    categoryType: 'Malware',
    categoryItem: 'Endpoint',
    requestType: 'Security Incident',
    reason: null,
    assignedGroup: 'SOC - Tier 2',
    responsibleParty: 'SOC',
    isGlobalParent: false,
    isGlobalChild: false,
    devices: [],
    watchers: [],
    relatedTickets: [],
  };
}
