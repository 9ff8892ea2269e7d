import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Vendor } from './enums.js';

export enum VendorCapability { TICKETS = 'TICKETS', INCIDENTS = 'INCIDENTS', THREAT_INTEL = 'THREAT_INTEL', ENRICH = 'ENRICH' }
registerEnumType(VendorCapability, {
  name: 'VendorCapability',
  description: 'What a vendor can do for the hub: TICKETS: a ticketing system; INCIDENTS: a case or response platform; '
    + 'THREAT_INTEL: a threat-intelligence platform the hub publishes to; ENRICH: an indicator enrichment provider',
});

@ObjectType({ description: 'A vendor the hub knows (a registered vendor manifest), whether or not a source of it is configured' })
export class VendorDescription {
  @Field(() => Vendor, { description: "The vendor's id, as sources and events name it" }) id: Vendor;
  @Field({ description: 'The name to show a person' }) displayName: string;
  @Field(() => [VendorCapability], { description: 'What the vendor can do for the hub (TICKETS, INCIDENTS, THREAT_INTEL, ENRICH order)' })
  capabilities: VendorCapability[];
}
