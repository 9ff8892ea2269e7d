import type { z } from 'zod';
import { VendorError } from '../http/vendor-error.js';
import type { VendorHttp } from '../http/vendor-http.js';
import { allOf, compare, recordKey } from './odata.js';
import {
  ivantiAttachment, ivantiCollection, ivantiIncident, ivantiJournalNote,
  type IvantiAttachment, type IvantiIncident, type IvantiIncidentCreate, type IvantiIncidentUpdate, type IvantiJournalNote, type IvantiJournalNoteCreate,
} from './wire.js';

/** Ivanti refuses `$top` above 100. */
export const MAX_PAGE_SIZE = 100;

const BO = 'odata/businessobject';
const incidentPage = ivantiCollection(ivantiIncident);
const notePage = ivantiCollection(ivantiJournalNote);
const attachmentPage = ivantiCollection(ivantiAttachment);

export interface IncidentQuery {
  /** OData `$filter` (build it with `odata.ts`). */
  filter?: string;
  /** OData `$orderby`, e.g. `CreatedDateTime asc`. A misspelled field makes Ivanti answer 204 (no rows), not 400. */
  orderBy?: string;
  /** At most 100. */
  top?: number;
  skip?: number;
  /** Full-text search: word prefixes, all words must match, `or` allowed. */
  search?: string;
}

export interface DownloadedAttachment {
  fileName: string | null;
  contentType: string | null;
  bytes: Buffer;
}

export interface DownloadedAttachmentHead extends DownloadedAttachment {
  /** The whole file's size when known (all of it read, or Content-Length). */
  size: number | null;
  /** Stopped at the cap. */
  truncated: boolean;
}

/** Ivanti Service Manager / Neurons for ITSM REST (OData) calls (`rest_api_key` auth is set by the manifest's VendorHttp). */
export class IvantiClient {
  constructor(private readonly http: VendorHttp) {}

  /** One page of incidents. */
  async listIncidents(query: IncidentQuery = {}): Promise<IvantiIncident[]> {
    const page = await this.http.json('GET', `${BO}/incidents`, incidentPage, {
      searchParams: { $filter: query.filter, $orderby: query.orderBy, $top: query.top, $skip: query.skip, $search: query.search },
    });
    return page?.value ?? [];
  }

  /**
   * Every incident created at or after `since` (all when null), oldest first, paged with `$top`/`$skip` until a
   * short page (`@odata.count` can be wrong, so it is not used). The bound is inclusive and dates have second
   * precision, so incidents sharing the newest timestamp seen are returned again next time: callers de-duplicate
   * by RecId rather than lose an incident created in that same second. RecId breaks ties so paging is stable.
   */
  async *incidentsCreatedSince(since: Date | null, options: { pageSize?: number; filter?: string } = {}): AsyncGenerator<IvantiIncident> {
    const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const clauses = [since ? compare('CreatedDateTime', 'ge', since) : undefined, options.filter].filter((c): c is string => !!c);
    const filter = clauses.length === 0 ? undefined : clauses.length === 1 ? clauses[0] : allOf(...clauses);
    for (let skip = 0; ; skip += pageSize) {
      const page = await this.listIncidents({ filter, orderBy: 'CreatedDateTime asc,RecId asc', top: pageSize, skip });
      yield* page;
      if (page.length < pageSize) return;
    }
  }

  /** One incident by RecId, or null. (A filter rather than `incidents('…')`, which answers an unknown key with 400.) */
  async getIncident(recId: string): Promise<IvantiIncident | null> {
    const [incident] = await this.listIncidents({ filter: compare('RecId', 'eq', recId), top: 1 });
    return incident ?? null;
  }

  /** One incident by its number, or null. */
  async getIncidentByNumber(incidentNumber: number): Promise<IvantiIncident | null> {
    const [incident] = await this.listIncidents({ filter: compare('IncidentNumber', 'eq', incidentNumber), top: 1 });
    return incident ?? null;
  }

  /** Creates an incident; the answer carries its RecId and IncidentNumber. Not retried on 5xx: it may have been created. */
  createIncident(fields: IvantiIncidentCreate): Promise<IvantiIncident> {
    return this.http.json('POST', `${BO}/incidents`, ivantiIncident, { json: fields });
  }

  /**
   * Changes an incident: a PATCH of only the changed fields answers the whole entity. Ivanti accepts a PATCH of a
   * closed (ReadOnly) incident too, so callers check first (§7 of the vendor notes).
   */
  updateIncident(recId: string, changes: IvantiIncidentUpdate): Promise<IvantiIncident> {
    return this.http.json('PATCH', `${BO}/incidents${recordKey(recId)}`, ivantiIncident, { json: changes, idempotent: true });
  }

  /** The incident's journal notes (notes only, not e-mails), oldest first. */
  async listJournalNotes(incidentRecId: string): Promise<IvantiJournalNote[]> {
    const notes: IvantiJournalNote[] = [];
    for (let skip = 0; ; skip += MAX_PAGE_SIZE) {
      const page = await this.http.json('GET', `${BO}/journal__Notess`, notePage, {
        searchParams: { $filter: compare('ParentLink_RecID', 'eq', incidentRecId), $orderby: 'CreatedDateTime asc,RecId asc', $top: MAX_PAGE_SIZE, $skip: skip },
      });
      const rows = page?.value ?? [];
      notes.push(...rows);
      if (rows.length < MAX_PAGE_SIZE) return notes;
    }
  }

  /**
   * Journal notes created at or after `since` on any record, oldest first, paged like `incidentsCreatedSince`
   * (inclusive bound: callers de-duplicate). Their `ParentLink_RecID` names the incident.
   */
  async *journalNotesCreatedSince(since: Date, pageSize = MAX_PAGE_SIZE): AsyncGenerator<IvantiJournalNote> {
    yield* this.createdSince(`${BO}/journal__Notess`, notePage, since, pageSize);
  }

  /** Attachments created at or after `since` on any record, oldest first (see `journalNotesCreatedSince`). */
  async *attachmentsCreatedSince(since: Date, pageSize = MAX_PAGE_SIZE): AsyncGenerator<IvantiAttachment> {
    yield* this.createdSince(`${BO}/attachments`, attachmentPage, since, pageSize);
  }

  private async *createdSince<T>(path: string, schema: z.ZodType<{ value: T[] } | null>, since: Date, pageSize: number): AsyncGenerator<T> {
    const top = Math.min(pageSize, MAX_PAGE_SIZE);
    for (let skip = 0; ; skip += top) {
      const page = await this.http.json('GET', path, schema, {
        searchParams: { $filter: compare('CreatedDateTime', 'ge', since), $orderby: 'CreatedDateTime asc,RecId asc', $top: top, $skip: skip },
      });
      const rows = page?.value ?? [];
      yield* rows;
      if (rows.length < top) return;
    }
  }

  /** Adds a journal note to an incident. Not retried on 5xx (a repeat would duplicate the note). */
  createJournalNote(note: IvantiJournalNoteCreate): Promise<IvantiJournalNote> {
    return this.http.json('POST', `${BO}/journal__Notess`, ivantiJournalNote, { json: note });
  }

  /** Metadata of the incident's attachments (through the incident's `IncidentContainsAttachment` relationship). */
  async listAttachments(incidentRecId: string): Promise<IvantiAttachment[]> {
    const page = await this.http.json('GET', `${BO}/incidents${recordKey(incidentRecId)}/IncidentContainsAttachment`, attachmentPage);
    return page?.value ?? [];
  }

  /** An attachment's bytes, with the name and type Ivanti sends in Content-Disposition and Content-Type. */
  async downloadAttachment(attachmentRecId: string): Promise<DownloadedAttachment> {
    const response = await this.http.response('GET', 'rest/Attachment', { searchParams: { ID: attachmentRecId } });
    const bytes = Buffer.from(await response.arrayBuffer().catch((error: unknown) => { throw this.brokeOff(error); }));
    return {
      fileName: fileNameOf(response.headers.get('content-disposition')),
      contentType: response.headers.get('content-type'),
      bytes,
    };
  }

  /**
   * At most the first `maxBytes` of an attachment: reading stops there and the rest is not downloaded (a huge file
   * costs no more than the cap). `size` is the whole file's when known (all of it read, or Content-Length).
   */
  async downloadAttachmentHead(attachmentRecId: string, maxBytes: number): Promise<DownloadedAttachmentHead> {
    const response = await this.http.response('GET', 'rest/Attachment', { searchParams: { ID: attachmentRecId } });
    const chunks: Buffer[] = [];
    let read = 0;
    let truncated = false;
    const reader = response.body?.getReader();
    try {
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        if (read >= maxBytes) {
          truncated = true;
          break;
        }
        chunks.push(Buffer.from(value));
        read += value.byteLength;
      }
    } catch (error) {
      throw this.brokeOff(error);
    } finally {
      await reader?.cancel().catch(() => undefined);
    }
    const all = Buffer.concat(chunks);
    truncated ||= all.length > maxBytes;
    const declared = response.headers.has('content-length') ? Number(response.headers.get('content-length')) : Number.NaN;
    return {
      fileName: fileNameOf(response.headers.get('content-disposition')),
      contentType: response.headers.get('content-type'),
      bytes: all.subarray(0, maxBytes),
      size: !truncated ? all.length : Number.isFinite(declared) ? declared : null,
      truncated,
    };
  }

  private brokeOff(error: unknown): VendorError {
    return new VendorError('UPSTREAM_UNAVAILABLE', this.http.vendor, this.http.sourceName, `GET rest/Attachment: download broke off (${String(error)})`);
  }
}

/** `attachment; filename=<name>`: the quotes may be absent (a name with spaces then runs to the end or a `;`). */
function fileNameOf(disposition: string | null): string | null {
  const match = disposition?.match(/filename=("?)([^";]+)\1/i);
  return match ? match[2]!.trim() : null;
}
