import type { RenderOptions } from './field-catalog.js';
import { API_USER, ORG, type AttachmentRecord, type CommentRecord, type IncidentRecord, type ResilientStore } from './store.js';
import { renderTextContent, type TextOutputFormat } from './text-content.js';

const INCIDENT_PERMS = {
  read: true, write: true, comment: true, assign: true, close: true, change_members: true, attach_file: true,
  read_attachments: true, delete_attachments: true, create_artifacts: true, list_artifacts: true, delete: true,
};

/** IncidentDTO: built-in fields at the top level, custom fields under `properties`. */
export function incidentDto(store: ResilientStore, record: IncidentRecord, options: RenderOptions): Record<string, unknown> {
  const dto: Record<string, unknown> = {
    id: record.id,
    vers: record.vers,
    org_id: ORG.id,
    create_date: record.create_date,
    inc_last_modified_date: record.inc_last_modified_date,
    end_date: record.end_date,
    creator_id: record.creator_id,
    owner_id: record.creator_id,
  };
  const properties: Record<string, unknown> = {};
  for (const field of store.catalog.all()) {
    const value = store.catalog.render(field, record.values[field.name], options);
    if (field.prefix === 'properties') properties[field.name] = value;
    else dto[field.name] = value;
  }
  dto.properties = properties;
  dto.perms = INCIDENT_PERMS;
  return dto;
}

/** Top-level CommentDTOs with their replies under `children`; `text` per `text_content_output_format`. */
export function commentDtos(store: ResilientStore, incident: IncidentRecord, textFormat: TextOutputFormat): Record<string, unknown>[] {
  const comments = store.commentsOf(incident.id);
  return comments.filter((c) => c.parent_id === null).map((c) => commentDto(incident, c, comments, textFormat));
}

export function commentDto(incident: IncidentRecord, comment: CommentRecord, all: CommentRecord[], textFormat: TextOutputFormat): Record<string, unknown> {
  return {
    id: comment.id,
    parent_id: comment.parent_id,
    type: 'incident',
    inc_id: incident.id,
    inc_name: incident.values.name,
    inc_owner: incident.creator_id,
    task_id: null,
    user_id: API_USER.id,
    user_fname: API_USER.fname,
    user_lname: API_USER.lname,
    user_name: API_USER.name,
    text: renderTextContent(comment.text, textFormat),
    create_date: comment.create_date,
    modify_date: comment.modify_date,
    children: all.filter((c) => c.parent_id === comment.id).map((c) => commentDto(incident, c, all, textFormat)),
    is_deleted: false,
    mentioned_users: [],
    comment_perms: { update: true, delete: true },
    actions: [],
  };
}

export function attachmentDto(incident: IncidentRecord, attachment: AttachmentRecord): Record<string, unknown> {
  return {
    id: attachment.id,
    uuid: attachment.uuid,
    name: attachment.name,
    content_type: attachment.content_type,
    size: attachment.content.length,
    created: attachment.created,
    creator_id: API_USER.id,
    type: 'incident',
    inc_id: incident.id,
    inc_name: incident.values.name,
    inc_owner: incident.creator_id,
    task_id: null,
    vers: 1,
    actions: [],
  };
}
