import type { IndicatorEnricher } from '../domain/enrichment.js';
import type { AttachmentData, IncidentData, IncidentNoteData, TicketData } from '../domain/model.js';
import type { StixBundle } from '../stix/bundle.js';
import type { SourceConfig } from './source-config.js';

/**
 * Capability ports: what a vendor can do, in the hub's words, whatever its API looks like. A manifest declares the
 * ports its vendor offers (`capabilities`), each built from the vendor client; services ask the registry for the
 * port they need (`SourceRegistry.port(source, 'tickets')`) and never branch on the vendor's name — the shape of
 * XSOAR's integration commands and IntelOwl's analyzer config. An operation a vendor lacks is simply absent.
 */

/** What a vendor answered about one record: the hub's model, and the vendor's own record for flows that template from it. */
export interface VendorRecord<Data> {
  data: Data;
  /** The vendor's record as received (parse it with the vendor's wire schema before use). */
  wire: unknown;
}

export interface TicketCloseRequest {
  /** One of `closeCodes(…)`. */
  closeCode: string;
  /** Written to the ticket as its resolution (worklog or field), when given. */
  resolutionSummary: string | null;
}

/** A ticketing system (Secureworks CTP, Ivanti ITSM). */
export interface TicketsPort {
  /** The tickets created or changed since `since` (all when null), oldest first. */
  poll?(since: Date | null): AsyncIterable<TicketData>;
  /** One ticket by the vendor's id, with its worklogs and attachments (a VendorError UPSTREAM_NOT_FOUND when absent). */
  get(externalId: string): Promise<VendorRecord<TicketData>>;
  /** The close codes this ticket accepts (`known`: the list the hub mirrored, when the vendor gives one per ticket). */
  closeCodes(externalId: string, known: string[] | null): Promise<string[]>;
  /** Closes the ticket with a close code; a ticket already closed is not written again. Answers the ticket as it now is. */
  close?(externalId: string, request: TicketCloseRequest): Promise<VendorRecord<TicketData>>;
}

export interface IncidentDraft {
  title: string;
  description: string;
}

export interface IncidentCloseRequest {
  closeCode: string;
  resolution: string;
  resolutionSummary: string;
}

export interface IncidentUpload {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** A case or response platform (IBM Resilient, Cyware Respond). */
export interface IncidentsPort {
  create?(draft: IncidentDraft): Promise<VendorRecord<IncidentData>>;
  get(externalId: string): Promise<VendorRecord<IncidentData>>;
  /** Sets fields by the vendor's field names (optimistic concurrency handled by the port). */
  update?(externalId: string, changes: Record<string, unknown>): Promise<VendorRecord<IncidentData>>;
  /** Close codes and resolutions the platform accepts. */
  closeOptions?(): Promise<{ closeCodes: string[]; resolutions: string[] }>;
  /** Closes the incident; one already closed is not written again. Answers the incident as it now is. */
  close?(externalId: string, request: IncidentCloseRequest): Promise<VendorRecord<IncidentData>>;
  notes?(externalId: string): Promise<IncidentNoteData[]>;
  addNote?(externalId: string, text: string): Promise<IncidentNoteData>;
  attachments?(externalId: string): Promise<AttachmentData[]>;
  attach?(externalId: string, upload: IncidentUpload): Promise<AttachmentData>;
}

/** A threat-intelligence platform (Cyware Intel Exchange) the hub publishes to. */
export interface ThreatIntelPort {
  /** Publishes a STIX 2.1 bundle to the platform's configured destination. */
  publishBundle(bundle: StixBundle): Promise<void>;
}

/** Each capability's port. `enrich` is the engine's `IndicatorEnricher` (the indicator types it takes are on it). */
export interface CapabilityPorts {
  tickets: TicketsPort;
  incidents: IncidentsPort;
  threatIntel: ThreatIntelPort;
  enrich: IndicatorEnricher;
}

export type CapabilityName = keyof CapabilityPorts;

/**
 * How a manifest declares its capabilities: for each it offers, the port built from the vendor client and the
 * source's config. (Method signatures, so a manifest of a specific client still fits the registry's list.)
 */
export interface CapabilityDeclarations<Client> {
  tickets?(client: Client, source: SourceConfig): TicketsPort;
  incidents?(client: Client, source: SourceConfig): IncidentsPort;
  threatIntel?(client: Client, source: SourceConfig): ThreatIntelPort;
  enrich?(client: Client, source: SourceConfig): IndicatorEnricher;
}
