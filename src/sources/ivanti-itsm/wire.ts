import { z } from 'zod';

/** Ivanti's "no date": null, or the .NET minimum date. */
const NO_DATE = /^0001-01-01T00:00:00/;

const isoDateTime = z.string().refine((s) => NO_DATE.test(s) || !Number.isNaN(Date.parse(s)), 'not an ISO 8601 date-time');

/** A date-time as Ivanti writes it: ISO 8601 with the tenant's offset (`2020-08-12T16:33:37-07:00`) or `Z`. */
const requiredDateTime = isoDateTime.transform((s) => new Date(s));
const optionalDateTime = isoDateTime.nullable().optional().transform((s) => (s == null || NO_DATE.test(s) ? null : new Date(s)));

const text = z.string().nullable().optional();

/**
 * An incident (stock fields; tenants add their own, kept by the loose object). `Priority` is a string "1"–"5";
 * `*_Valid` fields hold the RecId of the chosen picklist value; `IsInFinalState` is always false — use Status.
 */
export const ivantiIncident = z.looseObject({
  RecId: z.string(),
  IncidentNumber: z.number().int(),
  Subject: text,
  // UI label "Description".
  Symptom: text,
  Status: z.string(),
  Priority: text,
  Urgency: text,
  Impact: text,
  Category: text,
  Service: text,
  Source: text,
  TypeOfIncident: text,
  Owner: text,
  OwnerTeam: text,
  OwnerEmail: text,
  ProfileLink_RecID: text,
  ProfileFullName: text,
  Email: text,
  CreatedDateTime: requiredDateTime,
  CreatedBy: text,
  LastModDateTime: requiredDateTime,
  LastModBy: text,
  ClosedDateTime: optionalDateTime,
  ClosedBy: text,
  Resolution: text,
  CauseCode: text,
  ReadOnly: z.boolean().optional(),
});
export type IvantiIncident = z.infer<typeof ivantiIncident>;

/** A `Journal#Notes` record (entity set `journal__Notess`: double underscore, double s). */
export const ivantiJournalNote = z.looseObject({
  RecId: z.string(),
  JournalType: text,
  Subject: text,
  NotesBody: text,
  Category: text,
  Source: text,
  ParentLink_RecID: text,
  ParentLink_Category: text,
  CreatedBy: text,
  CreatedDateTime: requiredDateTime,
  PublishToWeb: z.boolean().optional(),
});
export type IvantiJournalNote = z.infer<typeof ivantiJournalNote>;

/** Attachment metadata (the bytes come from `rest/Attachment?ID=`). `ATTACHNAME` is the file name. */
export const ivantiAttachment = z.looseObject({
  RecId: z.string(),
  ATTACHNAME: z.string(),
  ParentLink_RecID: text,
  ParentLink_Category: text,
  CreatedDateTime: optionalDateTime,
  CreatedBy: text,
});
export type IvantiAttachment = z.infer<typeof ivantiAttachment>;

/**
 * A collection answer. Empty results are irregular: a 200 with an empty body or a 204 (both read as null), and
 * on a navigation property `{"value": "No instances found."}` — a string where rows would be.
 */
export function ivantiCollection<T extends z.ZodType>(row: T) {
  return z.object({
    value: z.preprocess((value) => (value === 'No instances found.' ? [] : value), z.array(row)),
  }).nullable();
}

/** Fields a new incident may carry: the stock ones named, plus tenant fields. */
export interface IvantiIncidentCreate {
  Subject: string;
  Symptom: string;
  Status?: string;
  Category?: string;
  Service?: string;
  Source?: string;
  Urgency?: string;
  Impact?: string;
  Owner?: string;
  OwnerTeam?: string;
  TypeOfIncident?: string;
  ProfileLink_RecID?: string;
  ProfileLink_Category?: string;
  [tenantField: string]: string | number | boolean | null | undefined;
}

/** A PATCH body: only the fields that change (a close sets `Status`, with `CauseCode` and `Resolution`). */
export interface IvantiIncidentUpdate {
  Status?: string;
  CauseCode?: string;
  Resolution?: string;
  [tenantField: string]: string | number | boolean | null | undefined;
}

/** The body of a new journal note. `ParentLink_Category` is optional; Category defaults to Memo, PublishToWeb to false. */
export interface IvantiJournalNoteCreate {
  ParentLink_RecID: string;
  ParentLink_Category?: string;
  Subject: string;
  NotesBody?: string;
  Category?: string;
  Source?: string;
  /** true shows the note to the customer in the self-service portal. */
  PublishToWeb?: boolean;
}

/** Ivanti's error envelope, e.g. `{"code": "ISM_4000", "description": "Invalid Request Payload", "message": ["…"], "help": ""}`. */
export interface IvantiErrorBody {
  code: string;
  description: string;
  message: string[];
  help: string;
}
