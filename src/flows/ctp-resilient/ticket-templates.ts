import { readFileSync } from 'node:fs';
import nunjucks from 'nunjucks';
import { DEFAULT_CLOSE_TEMPLATE, DEFAULT_ESCALATE_TEMPLATE, DEFAULT_UPDATE_TEMPLATE } from './default-templates.js';

export type TemplateName = 'escalate' | 'update' | 'close';

/** A template that failed to render, or rendered something that is not a JSON object. Fails one ticket only. */
export class TemplateError extends Error {
  constructor(readonly template: TemplateName, message: string) {
    super(`${template} template: ${message}`);
    this.name = 'TemplateError';
  }
}

const DEFAULTS: Record<TemplateName, string> = {
  escalate: DEFAULT_ESCALATE_TEMPLATE,
  update: DEFAULT_UPDATE_TEMPLATE,
  close: DEFAULT_CLOSE_TEMPLATE,
};

/**
 * The escalate / update / close templates of one CTP source: nunjucks (jinja syntax) with the seed app's
 * `readable_datetime` filter, rendered with the ticket (values JSON-escaped) and parsed as JSON.
 * Override files are read once, at construction: a missing file is a configuration error, not a fallback.
 */
export class TicketTemplates {
  private readonly env: nunjucks.Environment;
  private readonly compiled: Record<TemplateName, nunjucks.Template>;
  /** ms since the epoch -> mm/dd/YYYY HH:MM:SS in the configured zone (the `readable_datetime` filter). */
  readonly readableDate: (ms: number) => string;

  constructor(overrides: Partial<Record<TemplateName, string>> = {}, timeZone = 'UTC') {
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
    });
    // Like the seed app's filter, but in a stated zone rather than the server's local time.
    this.readableDate = (ms) => format.format(new Date(ms)).replace(',', '');
    this.env.addFilter('readable_datetime', (value: unknown) => {
      const ms = Number(value);
      return value === null || value === undefined || value === '' || !Number.isFinite(ms) ? '' : this.readableDate(ms);
    });
    const sources = { ...DEFAULTS };
    for (const [name, path] of Object.entries(overrides) as Array<[TemplateName, string | undefined]>) {
      if (!path) continue;
      try {
        sources[name] = readFileSync(path, 'utf8');
      } catch (error) {
        throw new Error(`template '${name}' cannot be read from ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    this.compiled = {
      escalate: this.compile('escalate', sources.escalate),
      update: this.compile('update', sources.update),
      close: this.compile('close', sources.close),
    };
  }

  /** Renders a template with `context` and parses the result into a JSON object. */
  render(name: TemplateName, context: Record<string, unknown>): Record<string, unknown> {
    let text: string;
    try {
      text = this.compiled[name].render({ ...jsonEscaped(context) as Record<string, unknown>, raw: context });
    } catch (error) {
      throw new TemplateError(name, (error as Error).message.replace(/\s+/g, ' ').trim());
    }
    let parsed: unknown;
    try {
      // The seed app turns control characters into spaces before parsing; keep that.
      parsed = JSON.parse(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' '));
    } catch (error) {
      throw new TemplateError(name, `did not render valid JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TemplateError(name, 'did not render a JSON object');
    return parsed as Record<string, unknown>;
  }

  private compile(name: TemplateName, source: string): nunjucks.Template {
    try {
      return nunjucks.compile(source, this.env);
    } catch (error) {
      throw new Error(`template '${name}' does not compile: ${(error as Error).message}`);
    }
  }
}

/** Every string in a value escaped for use inside a JSON string literal (numbers and booleans untouched). */
function jsonEscaped(value: unknown): unknown {
  if (typeof value === 'string') return JSON.stringify(value).slice(1, -1);
  if (Array.isArray(value)) return value.map(jsonEscaped);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonEscaped(v)]));
  return value;
}
