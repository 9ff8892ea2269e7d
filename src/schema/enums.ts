import { registerEnumType } from 'type-graphql';
import { IndicatorType } from '../domain/model.js';
import type { Vendor as VendorId } from '../domain/vendor.js';
import { SyncEventKind } from '../events/sync-event-kind.js';
import { registeredVendors } from '../sources/index.js';

export enum TicketStatus { OPEN = 'OPEN', IN_PROGRESS = 'IN_PROGRESS', PENDING = 'PENDING', CLOSED = 'CLOSED' }
export enum IncidentStatus { OPEN = 'OPEN', CLOSED = 'CLOSED' }
export enum Priority { LOW = 'LOW', MEDIUM = 'MEDIUM', HIGH = 'HIGH', CRITICAL = 'CRITICAL', UNKNOWN = 'UNKNOWN' }
export enum Verdict { MALICIOUS = 'MALICIOUS', SUSPICIOUS = 'SUSPICIOUS', HARMLESS = 'HARMLESS', UNKNOWN = 'UNKNOWN' }
export enum HealthStatus { UNKNOWN = 'UNKNOWN', HEALTHY = 'HEALTHY', DEGRADED = 'DEGRADED', DOWN = 'DOWN' }
export enum JobRunState { QUEUED = 'QUEUED', RUNNING = 'RUNNING', COMPLETED = 'COMPLETED', FAILED = 'FAILED' }
export enum JobTrigger { SCHEDULE = 'SCHEDULE', MANUAL = 'MANUAL' }
export enum Role { VIEWER = 'VIEWER', OPERATOR = 'OPERATOR', ADMIN = 'ADMIN' }
export enum SightingSubjectType { TICKET = 'TICKET', INCIDENT = 'INCIDENT', THREAT_DATA = 'THREAT_DATA' }
export enum SortDirection { ASC = 'ASC', DESC = 'DESC' }

/**
 * The GraphQL `Vendor` enum: one value per registered manifest (src/sources/index.ts), each value its vendor's id
 * (schema.graphql prints them sorted). Fields and arguments name it as `() => Vendor`; their TypeScript type is the
 * domain's id.
 */
export const Vendor: Readonly<Record<string, VendorId>> = Object.fromEntries(registeredVendors().map((id) => [id, id]));
export type Vendor = VendorId;

registerEnumType(Vendor, { name: 'Vendor', description: 'A vendor socgraph connects to' });
registerEnumType(SyncEventKind, { name: 'SyncEventKind', description: 'What a sync event records' });
registerEnumType(TicketStatus, { name: 'TicketStatus', description: "A ticket's status, normalised across vendors" });
registerEnumType(IncidentStatus, { name: 'IncidentStatus' });
registerEnumType(Priority, { name: 'Priority' });
registerEnumType(IndicatorType, { name: 'IndicatorType' });
registerEnumType(Verdict, { name: 'Verdict' });
registerEnumType(HealthStatus, { name: 'HealthStatus' });
registerEnumType(JobRunState, { name: 'JobRunState' });
registerEnumType(JobTrigger, { name: 'JobTrigger' });
registerEnumType(Role, { name: 'Role', description: 'VIEWER: queries and subscriptions; OPERATOR: + mutations; ADMIN: + tokens and source settings' });
registerEnumType(SightingSubjectType, { name: 'SightingSubjectType' });
registerEnumType(SortDirection, { name: 'SortDirection' });

export { IndicatorType, SyncEventKind };
