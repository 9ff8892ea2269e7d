import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Role } from './enums.js';
import { Incident } from './incident.type.js';
import { JobRun } from './job.type.js';
import { DateTimeScalar } from './scalars.js';
import { Source } from './source.type.js';
import { Ticket } from './ticket.type.js';

/**
 * Inputs and payloads of the mutations in their consistent shape: one `input` argument, one payload object (room to
 * add fields without breaking callers). The older shapes stay one release, deprecated (README "API shapes").
 */

/** Reason attached to every deprecated shape; the release that removes them. */
export function replacedBy(replacement: string): string {
  return `Use ${replacement}. Kept for one release: removed in socgraph 0.3.0.`;
}

@ObjectType({ description: 'What ticketClose did' })
export class CloseTicketPayload {
  @Field(() => Ticket, { description: 'The ticket as closed (or as it was, when already closed)' }) ticket: Ticket;
}

@ObjectType({ description: 'What incidentClose did' })
export class CloseIncidentPayload {
  @Field(() => Incident, { description: 'The incident as closed (or as it was, when already closed)' }) incident: Incident;
}

@InputType()
export class CreateApiTokenInput {
  @Field({ description: '1–64 letters, digits, spaces or . _ @ -' }) name: string;
  @Field(() => Role) role: Role;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the token stops working (default: never)' }) expiresAt?: Date | null;
}

@InputType()
export class RevokeApiTokenInput {
  @Field(() => ID, { description: 'ApiToken.id' }) id: string;
}

@ObjectType({ description: 'What apiTokenRevoke did' })
export class RevokeApiTokenPayload {
  @Field(() => ID) apiTokenId: string;
  @Field({ description: 'True if the token was active until now' }) revoked: boolean;
}

@InputType()
export class RunJobInput {
  @Field({ description: 'Job.name' }) name: string;
  @Field({ defaultValue: true, description: 'Answer when the run has finished (at most 30 s); false answers at once with the run QUEUED' }) wait: boolean;
}

@ObjectType({ description: 'What jobRun did' })
export class RunJobPayload {
  @Field(() => JobRun) run: JobRun;
}

@ObjectType({ description: 'What sourceUpdate did' })
export class UpdateSourcePayload {
  @Field(() => Source) source: Source;
}
