import { VendorError } from '../http/vendor-error.js';
import { VendorHttp, type HealthSink } from '../http/vendor-http.js';
import { requireCredentials, sourceHttpOptions, type SourceClientDeps } from '../http/source-http.js';
import type { SourceConfig } from '../source-config.js';
import {
  acknowledgeResponse, attachmentResponse, closeCodesResponse, ticketActionResponse, ticketUpdatesResponse, ticketCountResponse, ctpTicket,
  type CtpTicket, type FeedWorklogs, type GroupingType, type TicketAcknowledgement, type TicketType,
} from './wire.js';

export interface TicketUpdatesQuery {
  ticketType?: TicketType;
  groupingType?: GroupingType;
  /** 1–500; CTP's default is 10. */
  limit?: number;
  worklogs?: FeedWorklogs;
}

export interface TicketVersion {
  ticketId: string;
  version: string;
}

export interface CloseTicketRequest {
  /** One of the ticket's close codes (`availableActions.close.closeCode` / `listCloseCodes`). */
  closeCode: string;
  /** Becomes a worklog on the ticket. */
  worklogContent?: string | null;
}

/** Fields a customer may write on an existing ticket (`POST /tickets/{id}`). */
export interface TicketUpdate {
  externalTicketNum?: string;
  externalTicketNum2?: string;
  externalGroupName?: string;
  vendor?: string;
  watchers?: string[];
  customerMiscellaneous1?: string;
  customerMiscellaneous2?: string;
  customerMiscellaneous3?: string;
  customerMiscellaneous4?: string;
}

export interface DownloadedAttachment {
  filename: string | null;
  content: Buffer;
}

export interface CtpClientDeps extends SourceClientDeps {
  /** Retry tuning (tests shorten it). */
  retries?: number;
  backoffLimitMs?: number;
}

/** Builds the client for a configured source: `Authorization: APIKEY user:secret`, verbatim, on every call. */
export function createSecureworksCtpClient(source: SourceConfig, deps: CtpClientDeps): SecureworksCtpClient {
  const { username, password } = requireCredentials(source, ['username', 'password']);
  const authorization = `APIKEY ${username}:${password}`;
  return new SecureworksCtpClient(new VendorHttp({
    ...sourceHttpOptions(source, deps),
    secrets: [password, authorization],
    // The same on every call, so a plain header rather than an `authenticate` hook (no per-call Request).
    // Every public client sends the Content-Type, GET included.
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    retries: deps.retries,
    backoffLimitMs: deps.backoffLimitMs,
  }));
}

/**
 * Secureworks CTP Ticket API v3. Tickets are not searched: the hub pulls the feed of changed, unacknowledged
 * tickets and acknowledges each version it has processed, which is also how the feed pages.
 */
export class SecureworksCtpClient {
  constructor(private readonly http: VendorHttp) {}

  /** `POST /tickets/count`: how many changed tickets wait in the feed (not yet acknowledged) for this filter. */
  async countUpdates(query: Pick<TicketUpdatesQuery, 'ticketType' | 'groupingType'> = {}): Promise<number> {
    const body = await this.http.json('POST', 'tickets/count', ticketCountResponse, {
      searchParams: { ticketType: query.ticketType, groupingType: query.groupingType },
      idempotent: true,
    });
    return body.ticketCount;
  }

  /** `POST /tickets/updates`: changed tickets whose current version is not acknowledged, oldest change first. */
  async fetchUpdates(query: TicketUpdatesQuery = {}): Promise<CtpTicket[]> {
    // Filters go in the query string of this POST, with no body. Reading the feed changes nothing, so it may be retried.
    const body = await this.http.json('POST', 'tickets/updates', ticketUpdatesResponse, {
      searchParams: { ticketType: query.ticketType, groupingType: query.groupingType, limit: query.limit, worklogs: query.worklogs },
      idempotent: true,
    });
    return body.tickets;
  }

  /** `POST /tickets/acknowledge`: takes these versions out of the feed until the tickets change again. */
  async acknowledge(versions: TicketVersion[]): Promise<TicketAcknowledgement[]> {
    if (versions.length === 0) return [];
    return this.http.json('POST', 'tickets/acknowledge', acknowledgeResponse, {
      json: { ticketVersions: versions.map(({ ticketId, version }) => ({ ticketId, version })) },
      idempotent: true, // acknowledging a version twice has the same effect as once
    });
  }

  async getTicket(ticketId: string, options: { includeWorklogs?: boolean } = {}): Promise<CtpTicket> {
    return this.http.json('GET', `tickets/${encodeURIComponent(ticketId)}`, ctpTicket, {
      searchParams: { includeWorklogs: options.includeWorklogs },
    });
  }

  async listCloseCodes(ticketId: string): Promise<string[]> {
    const body = await this.http.json('GET', `tickets/${encodeURIComponent(ticketId)}/close-codes`, closeCodesResponse);
    return body.closeCodes;
  }

  /** `POST /tickets/{id}/close`. Only `code: "SUCCESS"` counts as closed; anything else is UPSTREAM_REJECTED. */
  async closeTicket(ticketId: string, request: CloseTicketRequest): Promise<void> {
    const json: Record<string, string> = { closeCode: request.closeCode };
    if (request.worklogContent) json.worklogContent = request.worklogContent;
    await this.action(`tickets/${encodeURIComponent(ticketId)}/close`, json, 'close');
  }

  /** `POST /tickets/{id}/worklogs`: adds a customer comment. */
  async addWorklog(ticketId: string, content: string): Promise<void> {
    await this.action(`tickets/${encodeURIComponent(ticketId)}/worklogs`, { content }, 'add worklog to');
  }

  /** `POST /tickets/{id}`: writes the customer-writable fields (external references, misc fields, watchers). */
  async updateTicket(ticketId: string, update: TicketUpdate): Promise<void> {
    await this.action(`tickets/${encodeURIComponent(ticketId)}`, update, 'update');
  }

  /** `GET /tickets/{id}/attachments/{attachmentId}`: the file, decoded from base64. */
  async downloadAttachment(ticketId: string, attachmentId: string): Promise<DownloadedAttachment> {
    const path = `tickets/${encodeURIComponent(ticketId)}/attachments/${encodeURIComponent(attachmentId)}`;
    const body = await this.http.json('GET', path, attachmentResponse);
    return { filename: body.filename, content: Buffer.from(body.contentBase64, 'base64') };
  }

  private async action(path: string, json: unknown, what: string): Promise<void> {
    const result = await this.http.json('POST', path, ticketActionResponse, { json });
    if (result.code !== 'SUCCESS') {
      throw new VendorError('UPSTREAM_REJECTED', this.http.vendor, this.http.sourceName,
        `POST ${path}: CTP did not ${what} the ticket (code ${result.code})`);
    }
  }
}
