import { randomUUID } from 'node:crypto';
import { FieldCatalog, type FieldDefinition, type RenderOptions, type StoredValue } from './field-catalog.js';
import { ResilientApiError } from './resilient-error.js';
import type { TextContent } from './text-content.js';

/** The custom field IBM's app correlates incidents with CTP tickets by; indexed for `query_paged`. */
export const TICKET_ID_FIELD = 'scwx_ctp_ticket_id';

export const ORG = { id: 201, name: 'Sandbox SOC', uuid: '8f6b2a8e-3c1d-4e4b-9b6f-2f0d5c7a9e11', cloud_account: null, enabled: true };
/** A second org the API key can see but not use: exercises the client's "org disabled" check. */
export const DISABLED_ORG = { id: 202, name: 'Legacy SOC', uuid: '1b7c4d2e-9a3f-4c5e-8d1a-6e2f0b9c3a44', cloud_account: null, enabled: false };
export const API_USER = { id: 38, fname: 'socgraph', lname: 'integration', name: 'socgraph-integration' };

/** Keys the server owns: sent back inside a PUT, they are ignored. */
const SYSTEM_KEYS = new Set(['id', 'vers', 'org_id', 'create_date', 'inc_last_modified_date', 'end_date', 'creator_id', 'owner_id', 'perms', 'properties']);

export interface IncidentRecord {
  id: number;
  /** The optimistic-lock version: +1 on every change. */
  vers: number;
  create_date: number;
  inc_last_modified_date: number;
  end_date: number | null;
  creator_id: number;
  /** Field values by field name, built-in and custom alike (custom ones are served under `properties`). */
  values: Record<string, StoredValue>;
}

export interface CommentRecord {
  id: number;
  parent_id: number | null;
  inc_id: number;
  text: TextContent;
  create_date: number;
  modify_date: number;
}

export interface AttachmentRecord {
  id: number;
  uuid: string;
  name: string;
  content_type: string;
  content: Buffer;
  description: string | null;
  created: number;
  inc_id: number;
}

export type Actor = 'api' | 'ui';

/** "plan_status changed to C": what would start IBM's close workflow, kept for tests to read. */
export interface ClosureEvent {
  incidentId: number;
  ticketId: string | null;
  closedBy: Actor;
  at: number;
  resolution: unknown;
  resolutionSummary: unknown;
  closeCode: unknown;
}

export interface PatchChange {
  field: string;
  old_value?: { object?: unknown } | null;
  new_value: { object?: unknown };
}

export interface FieldFailure {
  field: string;
  your_original_value: unknown;
  actual_current_value: unknown;
}

export interface PatchStatus {
  success: boolean;
  title: null;
  message: string | null;
  hints: string[];
  field_failures: FieldFailure[];
}

const FIRST_INCIDENT_ID = 2095;

/** One SOAR org in memory: incidents (indexed by CTP ticket ID), notes, attachments, fields and close events. */
export class ResilientStore {
  readonly catalog = new FieldCatalog();
  private incidents = new Map<number, IncidentRecord>();
  private byTicketId = new Map<string, Set<number>>();
  private comments = new Map<number, CommentRecord[]>();
  private attachments = new Map<number, AttachmentRecord[]>();
  private closures: ClosureEvent[] = [];
  private injectedFieldFailures = new Map<number, string[]>();
  private nextIncidentId = FIRST_INCIDENT_ID;
  private nextCommentId = 1;
  private nextAttachmentId = 1;

  get size(): number {
    return this.incidents.size;
  }

  get(id: number): IncidentRecord | undefined {
    return this.incidents.get(id);
  }

  require(id: number): IncidentRecord {
    const record = this.incidents.get(id);
    // SOAR's wording, thousands separator included.
    if (!record) throw new ResilientApiError(404, `Unable to find object with ID ${id.toLocaleString('en-US')}`);
    return record;
  }

  all(): IterableIterator<IncidentRecord> {
    return this.incidents.values();
  }

  withTicketId(ticketId: string): IncidentRecord[] {
    return [...(this.byTicketId.get(ticketId) ?? [])].map((id) => this.incidents.get(id)!);
  }

  /** An incident created through the API (by the hub, or by IBM's app for seeded ones). */
  create(dto: Record<string, unknown>): IncidentRecord {
    const values: Record<string, StoredValue> = { plan_status: 'A', ...this.valuesFromDto(dto) };
    const now = Date.now();
    const record: IncidentRecord = {
      id: this.nextIncidentId,
      vers: 0,
      create_date: now,
      inc_last_modified_date: now,
      end_date: null,
      creator_id: API_USER.id,
      values: {},
    };
    this.commit(record, values, 'api');
    this.nextIncidentId += 1; // only once valid: a refused create uses no ID
    this.incidents.set(record.id, record);
    return record;
  }

  /** PATCH: applies every change or none. A non-null `old_value` that differs from the field is a field failure. */
  patch(record: IncidentRecord, changes: PatchChange[], render: RenderOptions): PatchStatus {
    const next = { ...record.values };
    const failures: FieldFailure[] = [];
    const injected = new Set(this.injectedFieldFailures.get(record.id) ?? []);
    for (const change of changes) {
      const field = this.catalog.require(change.field);
      const claimed = change.old_value?.object;
      // IBM's app sends `old_value: null` for every custom field: that claims nothing and never conflicts.
      const conflict = injected.has(field.name) || (claimed !== null && claimed !== undefined && !this.holds(field, record, claimed));
      if (conflict) {
        failures.push({ field: field.name, your_original_value: claimed ?? null, actual_current_value: this.catalog.render(field, record.values[field.name], render) });
      }
      next[field.name] = this.catalog.toStored(field, change.new_value.object);
    }
    if (failures.length > 0) {
      if (failures.some((f) => injected.has(f.field))) this.injectedFieldFailures.delete(record.id);
      return { success: false, title: null, message: 'The incident has changed since it was read; see field_failures', hints: [], field_failures: failures };
    }
    this.commit(record, next, 'api');
    return { success: true, title: null, message: null, hints: [], field_failures: [] };
  }

  /** PUT of the whole incident: only against the current `vers`. */
  put(record: IncidentRecord, dto: Record<string, unknown>): void {
    if (dto.vers !== record.vers) {
      throw new ResilientApiError(409, `Incident ${record.id} was modified (version ${record.vers}); the update used version ${String(dto.vers)}`);
    }
    this.commit(record, { ...record.values, ...this.valuesFromDto(dto) }, 'api');
  }

  /** A change made in the UI (or by a rule): values by field name, written as a user would pick them. */
  edit(record: IncidentRecord, changes: Record<string, unknown>): void {
    const next = { ...record.values };
    for (const [name, value] of Object.entries(changes)) next[name] = this.catalog.toStored(this.catalog.require(name), value);
    this.commit(record, next, 'ui');
  }

  /** The next PATCH of the incident that changes one of these fields fails on them, as if someone else had. */
  injectFieldFailures(incidentId: number, fields: string[]): void {
    this.injectedFieldFailures.set(incidentId, fields);
  }

  addComment(incidentId: number, text: TextContent, parentId: number | null): CommentRecord {
    const list = this.comments.get(incidentId) ?? [];
    if (parentId !== null && !list.some((c) => c.id === parentId)) {
      throw new ResilientApiError(404, `Unable to find object with ID ${parentId.toLocaleString('en-US')}`);
    }
    const now = Date.now();
    const comment: CommentRecord = { id: this.nextCommentId++, parent_id: parentId, inc_id: incidentId, text, create_date: now, modify_date: now };
    list.push(comment);
    this.comments.set(incidentId, list);
    return comment;
  }

  commentsOf(incidentId: number): CommentRecord[] {
    return this.comments.get(incidentId) ?? [];
  }

  addAttachment(incidentId: number, file: { name: string; contentType: string; content: Buffer; description: string | null }): AttachmentRecord {
    const attachment: AttachmentRecord = {
      id: this.nextAttachmentId++,
      uuid: randomUUID(),
      name: file.name,
      content_type: file.contentType,
      content: file.content,
      description: file.description,
      created: Date.now(),
      inc_id: incidentId,
    };
    this.attachments.set(incidentId, [...this.attachmentsOf(incidentId), attachment]);
    return attachment;
  }

  attachmentsOf(incidentId: number): AttachmentRecord[] {
    return this.attachments.get(incidentId) ?? [];
  }

  listClosures(): ClosureEvent[] {
    return this.closures;
  }

  totals(): { incidents: number; open: number; closed: number; notes: number; attachments: number; attachmentBytes: number } {
    let closed = 0;
    for (const record of this.incidents.values()) if (record.values.plan_status === 'C') closed += 1;
    let notes = 0;
    for (const list of this.comments.values()) notes += list.length;
    let attachments = 0;
    let attachmentBytes = 0;
    for (const list of this.attachments.values()) {
      attachments += list.length;
      for (const a of list) attachmentBytes += a.content.length;
    }
    return { incidents: this.incidents.size, open: this.incidents.size - closed, closed, notes, attachments, attachmentBytes };
  }

  reset(): void {
    this.catalog.reset();
    this.incidents.clear();
    this.byTicketId.clear();
    this.comments.clear();
    this.attachments.clear();
    this.closures = [];
    this.injectedFieldFailures.clear();
    this.nextIncidentId = FIRST_INCIDENT_ID;
    this.nextCommentId = 1;
    this.nextAttachmentId = 1;
  }

  /** Values of an incident DTO (create, PUT): built-in fields at the top level, custom ones under `properties`. */
  private valuesFromDto(dto: Record<string, unknown>): Record<string, StoredValue> {
    const values: Record<string, StoredValue> = {};
    for (const [key, value] of Object.entries(dto)) {
      if (SYSTEM_KEYS.has(key)) continue;
      const field = this.catalog.require(key);
      if (field.prefix !== null) throw new ResilientApiError(400, `Custom field '${key}' belongs under 'properties'`);
      values[key] = this.catalog.toStored(field, value);
    }
    const properties = dto.properties ?? {};
    if (typeof properties !== 'object' || properties === null) throw new ResilientApiError(400, `'properties' must be an object`);
    for (const [key, value] of Object.entries(properties)) {
      const field = this.catalog.require(key);
      if (field.prefix !== 'properties') throw new ResilientApiError(400, `'${key}' is not a custom field`);
      values[key] = this.catalog.toStored(field, value);
    }
    return values;
  }

  /** Validates the next state (required fields, close requirements) and makes it current. */
  private commit(record: IncidentRecord, next: Record<string, StoredValue>, actor: Actor): void {
    const missingAlways = this.catalog.all().filter((f) => f.required === 'always' && this.catalog.isEmpty(next[f.name]));
    if (missingAlways.length > 0) {
      throw new ResilientApiError(400, `Missing mandatory field(s): [${missingAlways.map((f) => f.name).join(', ')}]`);
    }
    const closing = next.plan_status === 'C' && record.values.plan_status !== 'C';
    if (closing) {
      const missing = this.catalog.closeRequired().filter((f) => this.catalog.isEmpty(next[f.name]));
      if (missing.length > 0) {
        throw new ResilientApiError(400, `Missing mandatory field(s) to close an incident: [${missing.map((f) => f.name).join(', ')}]`);
      }
    }
    const now = Date.now();
    this.reindex(record, record.values[TICKET_ID_FIELD], next[TICKET_ID_FIELD]);
    record.values = next;
    record.vers += 1;
    record.inc_last_modified_date = now;
    if (closing) {
      record.end_date = now;
      this.closures.push(this.closureEvent(record, actor, now));
    } else if (next.plan_status !== 'C') {
      record.end_date = null;
    }
  }

  private closureEvent(record: IncidentRecord, actor: Actor, at: number): ClosureEvent {
    const names: RenderOptions = { names: true, textFormat: 'always_text' };
    const value = (name: string) => {
      const field = this.catalog.get(name);
      return field ? this.catalog.render(field, record.values[name], names) : null;
    };
    return {
      incidentId: record.id,
      ticketId: (record.values[TICKET_ID_FIELD] as string | null | undefined) ?? null,
      closedBy: actor,
      at,
      resolution: value('resolution_id'),
      resolutionSummary: value('resolution_summary'),
      closeCode: value('scwx_ctp_close_code'),
    };
  }

  private reindex(record: IncidentRecord, before: StoredValue | undefined, after: StoredValue | undefined): void {
    if (before === after) return;
    if (typeof before === 'string') {
      const ids = this.byTicketId.get(before);
      ids?.delete(record.id);
      if (ids?.size === 0) this.byTicketId.delete(before);
    }
    if (typeof after === 'string' && after !== '') {
      const ids = this.byTicketId.get(after) ?? new Set<number>();
      ids.add(record.id);
      this.byTicketId.set(after, ids);
    }
  }

  /** Whether the field holds what the caller claims (by ID or by name for selects). */
  private holds(field: FieldDefinition, record: IncidentRecord, claimed: unknown): boolean {
    try {
      return this.catalog.sameValue(this.catalog.toStored(field, claimed), record.values[field.name]);
    } catch {
      return false; // a value the field cannot even hold is not what it holds
    }
  }
}
