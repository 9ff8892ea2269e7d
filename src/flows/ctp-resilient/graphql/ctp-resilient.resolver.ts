import { Arg, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import { CtpResilientCloseActions } from '../../../jobs/ctp-resilient/close-actions.js';
import { expectGlobalId } from '../../../domain/global-id.js';
import { Incident } from '../../../schema/incident.type.js';
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

@Resolver()
export class CtpResilientResolver {
  @Mutation(() => Ticket, { description: 'Closes a Secureworks CTP ticket (idempotent) and, in the same call, its linked Resilient incident (close template)' })
  async closeTicket(@Ctx() ctx: GraphContext, @Arg('input', () => CloseTicketInput) input: CloseTicketInput): Promise<Ticket> {
    const ticket = await new CtpResilientCloseActions(ctx.hub).closeTicket(expectGlobalId(input.ticketId, 'Ticket', 'input.ticketId'), input.closeCode, input.resolutionSummary ?? null);
    return presentTicket(ticket);
  }

  @Mutation(() => Incident, { description: 'Closes an IBM Resilient incident (idempotent) and then its CTP ticket' })
  async closeIncident(@Ctx() ctx: GraphContext, @Arg('input', () => CloseIncidentInput) input: CloseIncidentInput): Promise<Incident> {
    const incident = await new CtpResilientCloseActions(ctx.hub).closeIncident(expectGlobalId(input.incidentId, 'Incident', 'input.incidentId'), input);
    return presentIncident(incident);
  }
}
