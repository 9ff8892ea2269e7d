import { ResilientApiError } from './resilient-error.js';

/** How SOAR stores rich text (description, resolution_summary, comment text). */
export interface TextContent {
  format: 'text' | 'html';
  content: string;
}

/** `text_content_output_format`: `always_text` (the default) answers an HTML string; the others an object. */
export const TEXT_OUTPUT_FORMATS = ['always_text', 'objects_convert', 'objects_no_convert'] as const;
export type TextOutputFormat = (typeof TEXT_OUTPUT_FORMATS)[number];

/** Reads a written value: a bare string is taken as HTML, verbatim; an object must be `{format, content}`. */
export function toTextContent(input: unknown, field: string): TextContent | null {
  if (input === null || input === undefined) return null;
  if (typeof input === 'string') return { format: 'html', content: input };
  if (typeof input === 'object') {
    const { format, content } = input as Record<string, unknown>;
    if ((format === 'text' || format === 'html') && typeof content === 'string') return { format, content };
  }
  throw new ResilientApiError(400, `Invalid text content for '${field}': expected a string or {format: "text"|"html", content}`);
}

/** HTML is returned exactly as written (IBM's dedup parses `<br />` in note text); plain text is escaped into HTML. */
export function renderTextContent(value: TextContent | null, format: TextOutputFormat): string | TextContent | null {
  if (value === null) return null;
  if (format === 'objects_no_convert') return { ...value };
  const html = value.format === 'html' ? value.content : escapeHtml(value.content);
  return format === 'always_text' ? html : { format: 'html', content: html };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
