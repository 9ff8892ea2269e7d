import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../../schema/connection.js';
import { IndicatorType } from '../../../schema/enums.js';
import { Incident } from '../../../schema/incident.type.js';
import { DateTimeScalar } from '../../../schema/scalars.js';

/** Intel Exchange (CTIX) objects, read live from CTIX on every query (never stored, never stale). */

@ObjectType({ description: 'A Respond (CFTR) incident created from an Intel Exchange object' })
export class CftrIncidentRef {
  incidentId: string;
  @Field(() => Incident, { description: 'The incident in our graph (source: the Respond source)' }) incident: Incident;
  @Field({ description: "Respond's incident id (`unique_id`)" }) cftrId: string;
  @Field(() => String, { nullable: true, description: "Respond's human id, e.g. INC103" }) readableId: string | null;
  @Field(() => String, { nullable: true, description: 'Link to the incident in Respond' }) url: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType({ description: 'An Intel Exchange (CTIX) threat data object: an IOC or any other STIX object (report, malware, …), read live' })
export class ThreatDataObject {
  @Field(() => ID, { description: 'Opaque; what createCftrIncident takes' }) id: string;
  /** Our source row and CTIX's STIX type / id, for field resolvers. */
  sourceId: string;
  @Field({ description: "CTIX's own id of the object" }) ctixId: string;
  @Field({ description: 'STIX type: indicator, report, malware, threat-actor, …' }) type: string;
  @Field(() => String, { nullable: true, description: 'For indicators: the IOC type as CTIX spells it (ipv4-addr, domain-name, SHA-256, SSDEEP, …)' }) iocType: string | null;
  @Field(() => IndicatorType, { nullable: true, description: "For indicators of a type socgraph models: socgraph's indicator type" }) indicatorType: IndicatorType | null;
  @Field() name: string;
  @Field(() => String, { nullable: true, description: 'The IOC value (indicators only)' }) value: string | null;
  @Field(() => String, { nullable: true, description: "TLP (an analyst's TLP overrides the feed's)" }) tlp: string | null;
  @Field(() => Int, { nullable: true, description: "0–100 (an analyst's score overrides CTIX's)" }) confidenceScore: number | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When CTIX received it (ctix_created)' }) createdAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When CTIX last changed it (ctix_modified)' }) modifiedAt: Date | null;
}

@ObjectType({ description: 'An Intel Exchange threat investigation (a canvas of threat data nodes), read live' })
export class ThreatInvestigation {
  @Field(() => ID, { description: 'Opaque; what createCftrIncident takes' }) id: string;
  sourceId: string;
  @Field() ctixId: string;
  @Field() name: string;
  @Field(() => String, { nullable: true, description: 'private | shared | received' }) sharedType: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) createdAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) modifiedAt: Date | null;
}

@ObjectType({ description: 'An Intel Exchange threat bulletin with the threat data it published, read live' })
export class ThreatBulletin {
  @Field(() => ID, { description: 'Opaque; what createCftrIncident takes' }) id: string;
  sourceId: string;
  /** The report object the bulletin published (its relations are the bulletin's objects). */
  reportId: string | null;
  @Field() ctixId: string;
  @Field() title: string;
  @Field() status: string;
  @Field(() => String, { nullable: true }) tlp: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) createdAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) modifiedAt: Date | null;
}

@InputType({ description: 'Every given condition must hold (CQL clauses joined by AND after `query`)' })
export class ThreatDataFilter {
  @Field(() => String, { nullable: true, description: 'A CQL query, e.g. `type = "indicator" AND confidence_score >= "70"` (evaluated left to right; no parentheses)' }) query?: string;
  @Field(() => [String], { nullable: true, description: 'STIX types: indicator, report, malware, …' }) types?: string[];
  @Field(() => [String], { nullable: true, description: 'CTIX IOC types: ipv4-addr, domain-name, SHA-256, …' }) iocTypes?: string[];
  @Field(() => [String], { nullable: true, description: 'TLPs: RED, AMBER_STRICT, AMBER, GREEN, CLEAR, NONE' }) tlp?: string[];
  @Field(() => String, { nullable: true, description: 'Substring of the IOC value / object name' }) search?: string;
}

export const ThreatDataObjectConnection = Connection(ThreatDataObject, 'ThreatDataObject');
export const ThreatInvestigationConnection = Connection(ThreatInvestigation, 'ThreatInvestigation');
export const ThreatBulletinConnection = Connection(ThreatBulletin, 'ThreatBulletin');
