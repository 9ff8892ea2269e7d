import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { IndicatorType } from '../../../schema/enums.js';
import { Incident } from '../../../schema/incident.type.js';
import { Indicator } from '../../../schema/indicator.type.js';
import { DateTimeScalar } from '../../../schema/scalars.js';

/** Creating Respond (CFTR) incidents from Intel Exchange (CTIX) objects, and the CTIX → CFTR indicator type mapping. */

export enum SkippedIndicatorReason {
  UNMAPPED_TYPE = 'UNMAPPED_TYPE',
}
registerEnumType(SkippedIndicatorReason, {
  name: 'SkippedIndicatorReason',
  valuesConfig: { UNMAPPED_TYPE: { description: 'Its CTIX IOC type has no indicatorTypeMappings entry, so it was not linked' } },
});

@ObjectType({ description: 'Which CTIX IOC type is linked to Respond incidents, and as which Respond threat-intel type' })
export class IndicatorTypeMapping {
  @Field({ description: 'CTIX IOC type, spelled as CTIX does (ipv4-addr, SHA-256, …)' }) ctixType: string;
  @Field({ description: 'Respond threat-intel type (IP, Domain, URL, Email, MD5, SHA1, SHA256, …)' }) cftrField: string;
  @Field(() => IndicatorType, { description: 'The Indicator type such IOCs get in our graph' }) indicatorType: IndicatorType;
  @Field(() => DateTimeScalar) updatedAt: Date;
}

@InputType()
export class SetIndicatorTypeMappingInput {
  @Field({ description: 'CTIX IOC type (case-insensitive; stored as CTIX spells it)' }) ctixType: string;
  @Field({ description: 'Respond threat-intel type as configured on the tenant' }) cftrField: string;
}

@InputType({ description: 'Nodes of a threat investigation' })
export class InvestigationSelectionInput {
  @Field(() => ID, { description: 'ThreatInvestigation.id' }) id: string;
  @Field(() => [ID], { nullable: true, description: 'ThreatDataObject ids among its nodes; every node when omitted' }) nodeIds?: string[] | null;
}

@InputType({ description: 'Exactly one of threatDataIds, investigation, bulletinId' })
export class CreateCftrIncidentInput {
  @Field(() => [ID], { nullable: true, description: 'ThreatDataObject ids: one object, or several (the bulk action: one incident for the selection)' }) threatDataIds?: string[] | null;
  @Field(() => InvestigationSelectionInput, { nullable: true }) investigation?: InvestigationSelectionInput | null;
  @Field(() => ID, { nullable: true, description: 'ThreatBulletin.id: the bulletin and its objects' }) bulletinId?: string | null;
  @Field(() => String, { nullable: true, description: "Default: the object's name (several: the first names and a count), the investigation's name or the bulletin's title" }) title?: string | null;
  @Field(() => String, { nullable: true, description: 'A retry with the same key answers the first result and creates nothing' }) idempotencyKey?: string | null;
  @Field(() => String, { nullable: true, description: 'Name of the Respond source; default: the only one configured' }) cftrSource?: string | null;
}

@ObjectType({ description: 'An IOC of the selection that was not linked' })
export class SkippedIndicator {
  @Field() value: string;
  @Field(() => String, { nullable: true, description: 'Its CTIX IOC type' }) ctixType: string | null;
  @Field(() => SkippedIndicatorReason) reason: SkippedIndicatorReason;
}

@ObjectType()
export class CreateCftrIncidentPayload {
  @Field(() => Incident) incident: Incident;
  @Field(() => [Indicator], { description: 'IOCs linked to the incident (mapped types only)' }) linkedIndicators: Indicator[];
  @Field(() => [SkippedIndicator]) skippedIndicators: SkippedIndicator[];
  @Field({ description: 'True when answered from an earlier call with the same idempotencyKey (nothing was created)' }) replayed: boolean;
}
