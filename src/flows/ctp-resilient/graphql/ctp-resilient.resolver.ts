import { MinRole } from '../../../auth/root-field-roles.js';
import { Arg, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import { expectGlobalId } from '../../../domain/global-id.js';
import { Incident } from '../../../schema/incident.type.js';
import { CloseIncidentPayload, CloseTicketPayload, replacedBy } from '../../../schema/mutation-payloads.type.js';
import { presentIncident, presentTicket } from '../../../schema/present.js';
import { Ticket } from '../../../schema/ticket.type.js';
import type { GraphContext } from '../../../resolvers/context.js';

@InputType()
class CloseTicketInput {
  @Field(() => ID) ticketId: string;
  @Field({ description: 'One of Ticket.closeCodes' }) closeCode: string;
  @Field(() => String, { nullable: true, description: 'Becomes the closing worklog' }) resolutionSummary?: string | null;
}

@InputType()
class CloseIncidentInput {
  @Field(() => ID) incidentId: string;
  @Field({ description: "One of the platform's close codes" }) closeCode: string;
  @Field({ defaultValue: 'Resolved' }) resolution: string;
  @Field() resolutionSummary: string;
}

const CLOSE_TICKET = 'Closes a ticket with one of its close codes (idempotent), through its vendor\'s tickets capability (Secureworks CTP, Ivanti); '
  + 'flows act in the same call (a CTP ticket\'s linked Resilient incident is closed from the close template)';
const CLOSE_INCIDENT = 'Closes an incident (idempotent) through its platform\'s incidents capability (IBM Resilient); '
  + 'flows act in the same call (a Resilient incident\'s CTP ticket is closed)';

@Resolver()
export class CtpResilientResolver {
  @MinRole('OPERATOR')
  @Mutation(() => CloseTicketPayload, { description: CLOSE_TICKET })
  async ticketClose(@Ctx() ctx: GraphContext, @Arg('input', () => CloseTicketInput) input: CloseTicketInput): Promise<CloseTicketPayload> {
    return Object.assign(new CloseTicketPayload(), { ticket: await this.closeTicket(ctx, input) });
  }

  @MinRole('OPERATOR')
  @Mutation(() => CloseIncidentPayload, { description: CLOSE_INCIDENT })
  async incidentClose(@Ctx() ctx: GraphContext, @Arg('input', () => CloseIncidentInput) input: CloseIncidentInput): Promise<CloseIncidentPayload> {
    return Object.assign(new CloseIncidentPayload(), { incident: await this.closeIncident(ctx, input) });
  }

  @MinRole('OPERATOR')
  @Mutation(() => Ticket, { description: 'Closes a Secureworks CTP ticket (idempotent) and, in the same call, its linked Resilient incident (close template)', deprecationReason: replacedBy('ticketClose(input:)') })
  async closeTicket(@Ctx() ctx: GraphContext, @Arg('input', () => CloseTicketInput) input: CloseTicketInput): Promise<Ticket> {
    const ticket = await ctx.hub.closes.closeTicket(expectGlobalId(input.ticketId, 'Ticket', 'input.ticketId'), input.closeCode, input.resolutionSummary ?? null);
    return presentTicket(ticket);
  }

  @MinRole('OPERATOR')
  @Mutation(() => Incident, { description: 'Closes an IBM Resilient incident (idempotent) and then its CTP ticket', deprecationReason: replacedBy('incidentClose(input:)') })
  async closeIncident(@Ctx() ctx: GraphContext, @Arg('input', () => CloseIncidentInput) input: CloseIncidentInput): Promise<Incident> {
    const incident = await ctx.hub.closes.closeIncident(expectGlobalId(input.incidentId, 'Incident', 'input.incidentId'), input);
    return presentIncident(incident);
  }
}
