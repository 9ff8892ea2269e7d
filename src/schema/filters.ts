import { Field, ID, InputType } from 'type-graphql';
import { IncidentStatus, IndicatorType, Priority, SyncEventKind, TicketStatus, Vendor, Verdict } from './enums.js';
import { DateTimeScalar } from './scalars.js';
import type { SyncEventFilter } from '../events/event-log.js';

@InputType({ description: 'Every given condition must hold' })
export class TicketFilter {
  @Field(() => [ID], { nullable: true, description: 'Source ids' }) sourceIds?: string[];
  @Field(() => Vendor, { nullable: true }) vendor?: Vendor;
  @Field(() => [TicketStatus], { nullable: true }) statuses?: TicketStatus[];
  @Field(() => [Priority], { nullable: true }) priorities?: Priority[];
  @Field(() => String, { nullable: true }) ticketType?: string;
  @Field(() => String, { nullable: true }) groupingType?: string;
  @Field(() => String, { nullable: true }) externalId?: string;
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the title' }) search?: string;
  @Field(() => DateTimeScalar, { nullable: true }) updatedSince?: Date;
}

@InputType()
export class IncidentFilter {
  @Field(() => [ID], { nullable: true }) sourceIds?: string[];
  @Field(() => Vendor, { nullable: true }) vendor?: Vendor;
  @Field(() => [IncidentStatus], { nullable: true }) statuses?: IncidentStatus[];
  @Field(() => [String], { nullable: true }) severities?: string[];
  @Field(() => String, { nullable: true }) externalId?: string;
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the title' }) search?: string;
  @Field(() => DateTimeScalar, { nullable: true }) updatedSince?: Date;
}

@InputType()
export class IndicatorFilter {
  @Field(() => [IndicatorType], { nullable: true }) types?: IndicatorType[];
  @Field(() => [Verdict], { nullable: true }) verdicts?: Verdict[];
  @Field(() => String, { nullable: true, description: 'Prefix of the normalised value' }) valuePrefix?: string;
  @Field(() => DateTimeScalar, { nullable: true }) seenSince?: Date;
}

@InputType()
export class SyncEventFilterInput {
  @Field(() => [SyncEventKind], { nullable: true }) kinds?: SyncEventKind[];
  @Field(() => Vendor, { nullable: true }) vendor?: Vendor;
  @Field(() => ID, { nullable: true }) subjectId?: string;
}

/**
 * The filter of a `syncEvents` subscription from its argument values: `filter` (the query's input), else the
 * deprecated separate arguments `kinds`, `vendor`, `subjectId`.
 */
export function subscriptionEventFilter(args: Record<string, unknown>): SyncEventFilter {
  const filter = (args.filter ?? {}) as SyncEventFilterInput;
  return {
    kinds: (filter.kinds ?? args.kinds ?? null) as SyncEventKind[] | null,
    vendor: (filter.vendor ?? args.vendor ?? null) as Vendor | null,
    subjectId: (filter.subjectId ?? args.subjectId ?? null) as string | null,
  };
}
