import type { CtpWorklog } from '../../sources/secureworks-ctp/wire.js';

/**
 * The incident note a CTP worklog becomes, in the seed app's format (vendor notes B6), so incidents synced by
 * IBM's app and by socgraph read the same and either recognises the other's notes.
 */
export function worklogNoteHtml(worklog: CtpWorklog, readableDate: (ms: number) => string): string {
  const lines = [`<b>Secureworks CTP Worklog:</b> ${worklog.dateCreated}<br />`];
  if (worklog.type) lines.push(`    <b>Type:</b> ${escapeHtml(worklog.type)}<br />`);
  lines.push(`    <b>Date Created:</b> ${readableDate(worklog.dateCreated)}<br />`);
  if (worklog.createdBy) lines.push(`    <b>Created by:</b> ${escapeHtml(worklog.createdBy)}<br />`);
  if (worklog.description) lines.push(`    <b>Description:</b><br /> ${escapeHtml(worklog.description).replace(/\r?\n|\\n/g, '<br />')}`);
  return lines.join('\n');
}

/** The worklog identity (`dateCreated:type`) a note in that format carries, or null for any other note. */
export function worklogKeyOfNote(html: string): string | null {
  const stamp = /Secureworks CTP Worklog:<\/b>\s*(\d+)/.exec(html);
  if (!stamp) return null;
  const type = /<b>Type:<\/b>\s*(.*?)<br \/>/.exec(html);
  return `${stamp[1]}:${unescapeHtml(type?.[1] ?? '')}`;
}

/** The attachment name the seed app gives a CTP attachment in Resilient (B6); an exact match means "already there". */
export function incidentAttachmentName(info: { id: string; name: string }): string {
  return info.name ? `${info.name}-attachmentInfo-id-${info.id}` : `attachmentInfo-id-${info.id}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
