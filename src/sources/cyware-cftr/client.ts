import { CYWARE_CFTR } from './vendor-id.js';
import { VendorError } from '../http/vendor-error.js';
import type { CallLimiter, HealthSink, TlsOptions } from '../http/vendor-http.js';
import type { OpenApiCredentials } from '../cyware-signing/open-api-signature.js';
import { CywareOpenApiHttp } from '../cyware-signing/signed-http.js';
import { toCreateIncidentBody, toThreatIntelRecords, type NewCftrIncident } from './map.js';
import { cftrSettingsSchema, type CftrSettings } from './settings.js';
import {
  connectedSchema, connectivitySchema, createdThreatIntelSchema, incidentPageSchema, incidentSchema,
  type CftrIncidentPage, type CftrIncidentWire,
} from './wire.js';

export interface CftrClientOptions {
  sourceName: string;
  /** `https://<tenant>/cftrapi` or the full `…/cftrapi/openapi` (both are seen in configurations). */
  baseUrl: string;
  credentials: OpenApiCredentials;
  settings?: CftrSettings;
  timeoutMs?: number;
  retries?: number;
  backoffLimitMs?: number;
  tls?: TlsOptions;
  health?: HealthSink;
  limiter?: CallLimiter;
  /** Clock in epoch milliseconds used to sign requests (default Date.now). */
  now?: () => number;
}

export interface IncidentListFilter {
  createdFrom?: Date;
  createdTo?: Date;
}

/** Cyware Respond (CFTR) Open API: HTTP calls only, answers parsed into wire shapes. */
export class CftrClient {
  readonly settings: CftrSettings;
  /** Link for humans to an incident, `{unique_id}` to replace (see `toIncidentData`). */
  readonly incidentUrlTemplate: string;
  private readonly http: CywareOpenApiHttp;

  constructor(private readonly options: CftrClientOptions) {
    this.settings = options.settings ?? cftrSettingsSchema.parse({});
    const apiUrl = openApiUrl(options.baseUrl);
    this.incidentUrlTemplate = this.settings.incidentUrlTemplate ?? `${new URL(apiUrl).origin}/cftr/incidents/{unique_id}/`;
    this.http = new CywareOpenApiHttp({
      vendor: CYWARE_CFTR,
      sourceName: options.sourceName,
      baseUrl: apiUrl,
      credentials: options.credentials,
      signatureValiditySeconds: this.settings.signatureValiditySeconds,
      now: options.now,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      backoffLimitMs: options.backoffLimitMs,
      tls: options.tls,
      health: options.health,
      limiter: options.limiter,
    });
  }

  /** `GET test-connectivity/`: 200 means the credentials work. */
  async testConnectivity(): Promise<void> {
    await this.http.json('GET', 'test-connectivity/', connectivitySchema);
  }

  /**
   * Creates an incident with its indicators linked, and answers it as stored. With `indicatorLinking: connect`
   * that is three calls (create, bulk-create threat intel, connect) and a read-back; if a later step fails the
   * incident exists unlinked, and the error names it so the link can be repaired instead of creating a twin.
   * Not retried on 5xx/timeouts (a create may have happened); Respond-side duplicates surface as 409.
   */
  async createIncident(incident: NewCftrIncident): Promise<CftrIncidentWire> {
    const created = await this.http.json('POST', 'v1/incident/', incidentSchema, { json: toCreateIncidentBody(incident, this.settings) });
    if (this.settings.indicatorLinking === 'inline' || incident.indicators.length === 0) return created;
    try {
      const records = await this.http.json('POST', this.settings.threatIntelPath, createdThreatIntelSchema, {
        json: { threat_intel: toThreatIntelRecords(incident.indicators, this.settings) },
      });
      await this.http.json('POST', this.settings.connectPath.replace('{unique_id}', encodeURIComponent(created.unique_id)), connectedSchema, {
        json: { module: 'threat_intel', ids: records.results.map((record) => record.unique_id) },
        idempotent: true, // connecting the same records again changes nothing
      });
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      const reason = error.message.replace(`${error.vendor} (${error.sourceName}): `, '');
      const name = created.readable_id ? `${created.readable_id} (${created.unique_id})` : created.unique_id;
      throw new VendorError(error.code, CYWARE_CFTR, this.options.sourceName,
        `incident ${name} was created but linking its ${incident.indicators.length} indicators failed: ${reason}`,
        { status: error.status, detail: error.detail });
    }
    return this.getIncident(created.unique_id);
  }

  /** One incident with its linked threat intel. */
  getIncident(uniqueId: string): Promise<CftrIncidentWire> {
    return this.http.json('GET', `v1/incident/${encodeURIComponent(uniqueId)}/`, incidentSchema);
  }

  listIncidents(filter: IncidentListFilter = {}, page = 1, pageSize = this.settings.pageSize): Promise<CftrIncidentPage> {
    return this.http.json('GET', 'v1/incident/', incidentPageSchema, {
      searchParams: {
        page,
        page_size: pageSize,
        created_date__gte: filter.createdFrom && epochSeconds(filter.createdFrom),
        created_date__lte: filter.createdTo && epochSeconds(filter.createdTo),
      },
    });
  }

  /** Every incident in the window, page by page; stops on a falsy `next` or a short page, as Respond's clients do. */
  async *incidentPages(filter: IncidentListFilter = {}): AsyncGenerator<CftrIncidentWire[]> {
    const pageSize = this.settings.pageSize;
    for (let page = 1; ; page += 1) {
      const { results, next } = await this.listIncidents(filter, page, pageSize);
      if (results.length > 0) yield results;
      if (!next || results.length < pageSize) return;
    }
  }
}

/** `…/cftrapi` and `…/cftrapi/openapi` (with or without slashes) both become `…/cftrapi/openapi`. */
export function openApiUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/openapi') ? trimmed : `${trimmed}/openapi`;
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
