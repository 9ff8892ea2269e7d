import { extname } from 'node:path';
import { z } from 'zod';
import { VendorError } from '../http/vendor-error.js';
import { VendorHttp, type HealthSink } from '../http/vendor-http.js';
import { requireCredentials, sourceHttpOptions, type SourceClientDeps } from '../http/source-http.js';
import type { SourceConfig } from '../source-config.js';
import {
  fieldDefinition, incidentPage, incidentType, patchStatus, resilientAttachment, resilientComment, resilientIncident,
  resilientSession, type FieldDefinition, type IncidentPatch, type IncidentPage, type IncidentQuery, type NewIncident,
  type PatchStatus, type ResilientAttachment, type ResilientComment, type ResilientIncident, type ResilientOrg, type ResilientSession,
  type TextContentInput,
} from './wire.js';

export const ibmResilientSettings = z.object({
  /** Org by name, uuid or cloud account, as in app.config's `org`. Optional when the key sees one enabled org. */
  org: z.string().min(1).optional(),
});
export type IbmResilientSettings = z.infer<typeof ibmResilientSettings>;

export interface ResilientClientDeps extends SourceClientDeps {
  /** Retry tuning (tests shorten it). */
  retries?: number;
  backoffLimitMs?: number;
}

export interface AttachmentUpload {
  name: string;
  content: Uint8Array;
  /** Guessed from the file name when absent, as IBM's client does. */
  contentType?: string;
  description?: string;
}

/** Builds the client for a configured source: the API key id and secret as HTTP Basic on every request. */
export function createIbmResilientClient(source: SourceConfig, deps: ResilientClientDeps): IbmResilientClient {
  const { apiKeyId, apiKeySecret } = requireCredentials(source, ['apiKeyId', 'apiKeySecret']);
  const authorization = `Basic ${Buffer.from(`${apiKeyId}:${apiKeySecret}`).toString('base64')}`;
  const http = new VendorHttp({
    ...sourceHttpOptions(source, deps),
    // The same on every call, so a plain header rather than an `authenticate` hook (no per-call Request).
    headers: { Authorization: authorization },
    secrets: [apiKeySecret, authorization],
    retries: deps.retries,
    backoffLimitMs: deps.backoffLimitMs,
  });
  return new IbmResilientClient(http, ibmResilientSettings.parse(source.settings), deps.health);
}

/**
 * The slice of the SOAR REST API the CTP flow needs: org discovery, incidents (create, read, PATCH, paged
 * query), notes, attachments and incident field definitions. Reads ask for `handle_format=names`, so selects
 * come back as labels, which are the same in every org (their IDs are not).
 */
export class IbmResilientClient {
  private orgId?: Promise<number>;

  constructor(private readonly http: VendorHttp, private readonly settings: IbmResilientSettings, private readonly health: HealthSink) {}

  /** `GET /rest/session`: the key's user and orgs. */
  async session(): Promise<ResilientSession> {
    return this.http.json('GET', 'rest/session', resilientSession);
  }

  async createIncident(incident: NewIncident): Promise<ResilientIncident> {
    return this.http.json('POST', await this.orgPath('incidents'), resilientIncident, { searchParams: { handle_format: 'names' }, json: incident });
  }

  async getIncident(incidentId: number): Promise<ResilientIncident> {
    return this.http.json('GET', await this.orgPath(`incidents/${incidentId}`), resilientIncident, { searchParams: { handle_format: 'names' } });
  }

  /**
   * PATCH with the `vers` read before. A field whose `old_value` no longer holds comes back as
   * `success: false` with `field_failures` (not thrown); a 409 (database clash) throws UPSTREAM_CONFLICT and the
   * caller re-reads and re-patches.
   */
  async patchIncident(incidentId: number, patch: IncidentPatch): Promise<PatchStatus> {
    return this.http.json('PATCH', await this.orgPath(`incidents/${incidentId}`), patchStatus, {
      json: patch,
      headers: { handle_format: 'names' },
      idempotent: true, // new values are absolute: sending the same patch twice leaves the same incident
    });
  }

  /** `POST /incidents/query_paged`: one page of the incidents matching `query`, any status unless it says. */
  async queryIncidents(query: IncidentQuery, page: { start: number; length: number }): Promise<IncidentPage> {
    return this.http.json('POST', await this.orgPath('incidents/query_paged'), incidentPage, {
      searchParams: { return_level: 'normal', handle_format: 'names' },
      json: { ...query, start: page.start, length: page.length },
      idempotent: true, // a read
    });
  }

  /** Notes with their text exactly as stored (HTML strings): the dedup of synced worklogs reads it. */
  async listComments(incidentId: number): Promise<ResilientComment[]> {
    return this.http.json('GET', await this.orgPath(`incidents/${incidentId}/comments`), z.array(resilientComment));
  }

  async addComment(incidentId: number, text: TextContentInput, parentId?: number): Promise<ResilientComment> {
    return this.http.json('POST', await this.orgPath(`incidents/${incidentId}/comments`), resilientComment, {
      json: parentId === undefined ? { text } : { text, parent_id: parentId },
    });
  }

  async listAttachments(incidentId: number): Promise<ResilientAttachment[]> {
    return this.http.json('GET', await this.orgPath(`incidents/${incidentId}/attachments`), z.array(resilientAttachment));
  }

  /** Multipart upload, the file in a part named `file`. */
  async uploadAttachment(incidentId: number, upload: AttachmentUpload): Promise<ResilientAttachment> {
    const form = new FormData();
    form.append('file', new Blob([upload.content], { type: upload.contentType ?? contentTypeOf(upload.name) }), upload.name);
    if (upload.description !== undefined) form.append('description', upload.description);
    return this.http.json('POST', await this.orgPath(`incidents/${incidentId}/attachments`), resilientAttachment, { body: form });
  }

  async getIncidentField(fieldName: string): Promise<FieldDefinition> {
    return this.http.json('GET', await this.orgPath(`types/incident/fields/${encodeURIComponent(fieldName)}`), fieldDefinition);
  }

  /**
   * Makes a select field offer exactly `labels` (app.config `close_codes`). Unlike IBM's app, labels the field
   * already has keep their value IDs, so incidents holding them are not orphaned.
   */
  async replaceSelectValues(fieldName: string, labels: string[]): Promise<FieldDefinition> {
    const field = await this.getIncidentField(fieldName);
    const existing = new Map(field.values.map((v) => [v.label, v]));
    const values = labels.map((label) => {
      const kept = existing.get(label);
      return kept ? { ...kept, enabled: true, hidden: false } : { label, enabled: true, hidden: false };
    });
    return this.http.json('PUT', await this.orgPath(`types/incident/fields/${encodeURIComponent(fieldName)}`), fieldDefinition, {
      json: { ...field, values },
    });
  }

  /** API names of the fields an incident must have filled to be closed. */
  async closeRequiredFields(): Promise<string[]> {
    const type = await this.http.json('GET', await this.orgPath('types/incident'), incidentType);
    return Object.values(type.fields).filter((f) => f.required === 'close').map((f) => f.name);
  }

  private async orgPath(path: string): Promise<string> {
    // Discovered once; a failed discovery is retried on the next call.
    this.orgId ??= this.discoverOrgId().catch((error: unknown) => {
      this.orgId = undefined;
      throw error;
    });
    return `rest/orgs/${await this.orgId}/${path}`;
  }

  private async discoverOrgId(): Promise<number> {
    const org = pickOrg((await this.session()).orgs, this.settings.org);
    if (typeof org === 'string') {
      const error = new VendorError('UPSTREAM_AUTH', this.http.vendor, this.http.sourceName, `GET /rest/session: ${org}`);
      this.health.recordFailure(this.http.sourceName, error);
      throw error;
    }
    return org.id;
  }
}

/**
 * The org whose cloud account, uuid or name is `wanted` (IBM's rule), which must be enabled; without `wanted`,
 * the key's only enabled org. Returns why none fits otherwise.
 */
function pickOrg(orgs: ResilientOrg[], wanted: string | undefined): ResilientOrg | string {
  const names = orgs.map((o) => o.name).join(', ');
  if (wanted === undefined) {
    const enabled = orgs.filter((o) => o.enabled);
    return enabled.length === 1 ? enabled[0]! : `the API key sees ${enabled.length} enabled orgs; set the source's org to one of: ${names}`;
  }
  const org = orgs.find((o) => o.cloud_account === wanted || o.uuid === wanted || o.name === wanted);
  if (!org) return `org '${wanted}' is not among the API key's orgs (${names})`;
  return org.enabled ? org : `org '${org.name}' is disabled`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain', '.log': 'text/plain', '.csv': 'text/csv', '.json': 'application/json', '.xml': 'application/xml',
  '.html': 'text/html', '.htm': 'text/html', '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.zip': 'application/zip', '.gz': 'application/gzip',
  '.eml': 'message/rfc822', '.pcap': 'application/vnd.tcpdump.pcap',
};

function contentTypeOf(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}
