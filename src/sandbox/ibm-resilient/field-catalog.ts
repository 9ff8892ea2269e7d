import { randomUUID } from 'node:crypto';
import { ResilientApiError } from './resilient-error.js';
import { renderTextContent, toTextContent, type TextContent, type TextOutputFormat } from './text-content.js';

export type InputType = 'text' | 'textarea' | 'number' | 'select' | 'multiselect' | 'datetimepicker' | 'boolean';

export interface SelectValue {
  value: number;
  label: string;
  enabled: boolean;
  hidden: boolean;
  default: boolean;
  uuid: string;
  properties: null;
}

/** SOAR's FieldDTO (the part clients read and write back). */
export interface FieldDefinition {
  id: number;
  name: string;
  text: string;
  prefix: 'properties' | null;
  type_id: 0;
  input_type: InputType;
  required: 'always' | 'close' | null;
  rich_text: boolean;
  blank_option: boolean;
  internal: boolean;
  read_only: boolean;
  changeable: boolean;
  deprecated: boolean;
  tooltip: string;
  placeholder: string;
  export_key: string;
  uuid: string;
  operations: string[];
  templates: unknown[];
  values: SelectValue[];
}

/** A value as stored: select IDs, epoch ms, text content objects, plan status letters. */
export type StoredValue = string | number | boolean | number[] | TextContent | null;

export interface RenderOptions {
  /** `handle_format=names`: select labels instead of IDs. */
  names: boolean;
  textFormat: TextOutputFormat;
}

interface FieldSpec {
  name: string;
  text: string;
  input_type: InputType;
  custom?: boolean;
  required?: 'always' | 'close';
  rich_text?: boolean;
  /** [label, id] pairs; IDs differ per org in real SOAR (Resolved is 56 in IBM's fixture). */
  values?: [string, number][];
}

const BUILT_IN: FieldSpec[] = [
  { name: 'name', text: 'Name', input_type: 'text', required: 'always' },
  { name: 'description', text: 'Description', input_type: 'textarea', rich_text: true },
  { name: 'discovered_date', text: 'Date Discovered', input_type: 'datetimepicker', required: 'always' },
  { name: 'start_date', text: 'Date Occurred', input_type: 'datetimepicker' },
  { name: 'plan_status', text: 'Status', input_type: 'text' }, // "A" (active) or "C" (closed)
  { name: 'severity_code', text: 'Severity', input_type: 'select', values: [['Low', 4], ['Medium', 5], ['High', 6]] },
  { name: 'phase_id', text: 'Phase', input_type: 'select', values: [['Engage', 1000], ['Detect/Analyze', 1001], ['Respond', 1002], ['Complete', 1003]] },
  { name: 'incident_type_ids', text: 'Incident Type', input_type: 'multiselect', values: [['Malware', 19], ['Phishing', 22], ['Denial of Service', 21], ['Other', 18]] },
  { name: 'resolution_id', text: 'Resolution', input_type: 'select', required: 'close', values: [['Unresolved', 53], ['Duplicate', 54], ['Not an Issue', 55], ['Resolved', 56]] },
  { name: 'resolution_summary', text: 'Resolution Summary', input_type: 'textarea', required: 'close', rich_text: true },
];

/** The customizations IBM's fn_secureworks_ctp app installs (vendor notes B2). */
const SECUREWORKS_CTP_FIELDS: FieldSpec[] = [
  ...['ticketId', 'ticketType', 'groupingType', 'status', 'priority', 'requestType', 'category', 'categoryClass', 'categoryType', 'categoryItem']
    .map((field) => ({ name: `scwx_ctp_${snake(field)}`, text: `Secureworks CTP ${field}`, input_type: 'text' as const, custom: true })),
  { name: 'scwx_ctp_contact_name', text: 'Secureworks CTP contact name', input_type: 'text', custom: true },
  { name: 'scwx_ctp_contact_id', text: 'Secureworks CTP contact id', input_type: 'text', custom: true },
  { name: 'scwx_ctp_date_created', text: 'Secureworks CTP dateCreated', input_type: 'datetimepicker', custom: true },
  { name: 'scwx_ctp_source', text: 'Secureworks CTP source', input_type: 'text', custom: true },
  {
    name: 'scwx_ctp_close_code', text: 'Secureworks CTP Close Code', input_type: 'select', custom: true, required: 'close',
    values: ['Mitigated by Security Controls', 'Authorized/Expected', 'Inconclusive', 'True Positive', 'False Positive',
      'Not Relevant', 'Duplicate - Previously Escalated', 'Work Completed'].map((label, i) => [label, 1201 + i] as [string, number]),
  },
];

const FIRST_ASSIGNED_VALUE_ID = 1301;

/** The org's incident fields: what each accepts, how selects resolve names to IDs, and which are required. */
export class FieldCatalog {
  private fields = new Map<string, FieldDefinition>();
  private nextValueId = FIRST_ASSIGNED_VALUE_ID;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.fields = new Map([...BUILT_IN, ...SECUREWORKS_CTP_FIELDS].map((spec, i) => [spec.name, definition(spec, i + 1)]));
    this.nextValueId = FIRST_ASSIGNED_VALUE_ID;
  }

  all(): FieldDefinition[] {
    return [...this.fields.values()];
  }

  get(name: string): FieldDefinition | undefined {
    return this.fields.get(name);
  }

  require(name: string): FieldDefinition {
    const field = this.fields.get(name);
    if (!field) throw new ResilientApiError(400, `Unknown incident field '${name}'`);
    return field;
  }

  closeRequired(): FieldDefinition[] {
    return this.all().filter((f) => f.required === 'close');
  }

  /**
   * PUT of a FieldDTO: replaces label, requirement and select values. Values sent without `value` are new and
   * get an ID; values left out are gone (incidents that hold them keep an orphaned ID, as in SOAR).
   */
  replace(name: string, update: { text?: string; required?: 'always' | 'close' | null; values?: Partial<SelectValue>[] }): FieldDefinition {
    const field = this.require(name);
    const known = new Map(field.values.map((v) => [v.value, v]));
    const values = update.values?.map((v): SelectValue => {
      if (typeof v.label !== 'string' || v.label.length === 0) throw new ResilientApiError(400, `Select value of '${name}' needs a label`);
      const existing = v.value === undefined ? undefined : known.get(v.value);
      if (v.value !== undefined && !existing) throw new ResilientApiError(400, `Unknown value ${v.value} for field '${name}'`);
      return {
        value: existing?.value ?? this.nextValueId++,
        label: v.label,
        enabled: v.enabled ?? true,
        hidden: v.hidden ?? false,
        default: v.default ?? false,
        uuid: existing?.uuid ?? randomUUID(),
        properties: null,
      };
    });
    const replaced: FieldDefinition = {
      ...field,
      text: update.text ?? field.text,
      required: update.required === undefined ? field.required : update.required,
      values: values ?? field.values,
    };
    this.fields.set(name, replaced);
    return replaced;
  }

  /** A written value, checked and converted for storage (select names → IDs). */
  toStored(field: FieldDefinition, input: unknown): StoredValue {
    if (input === null || input === undefined) return field.input_type === 'multiselect' ? [] : null;
    switch (field.input_type) {
      case 'select':
        return this.selectId(field, input);
      case 'multiselect':
        if (!Array.isArray(input)) throw invalid(field, input);
        return input.map((item) => this.selectId(field, item));
      case 'number':
      case 'datetimepicker':
        if (typeof input !== 'number' || !Number.isFinite(input)) throw invalid(field, input);
        return input;
      case 'boolean':
        if (typeof input !== 'boolean') throw invalid(field, input);
        return input;
      case 'textarea':
        if (field.rich_text) return toTextContent(input, field.name);
        if (typeof input !== 'string') throw invalid(field, input);
        return input;
      case 'text':
        if (field.name === 'plan_status' && input !== 'A' && input !== 'C') throw invalid(field, input);
        if (typeof input !== 'string') throw invalid(field, input);
        return input;
    }
  }

  /** A stored value as SOAR returns it. */
  render(field: FieldDefinition, value: StoredValue | undefined, options: RenderOptions): unknown {
    if (value === undefined) return field.input_type === 'multiselect' ? [] : null;
    if (field.rich_text) return renderTextContent(value as TextContent | null, options.textFormat);
    if (!options.names || value === null) return value;
    if (field.input_type === 'select') return this.label(field, value as number);
    if (field.input_type === 'multiselect') return (value as number[]).map((id) => this.label(field, id));
    return value;
  }

  isEmpty(value: StoredValue | undefined): boolean {
    if (value === null || value === undefined || value === '') return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === 'object') return value.content.trim() === '';
    return false;
  }

  sameValue(a: StoredValue | undefined, b: StoredValue | undefined): boolean {
    if (this.isEmpty(a) && this.isEmpty(b)) return true;
    if (Array.isArray(a) && Array.isArray(b)) {
      const [left, right] = [[...a].sort(), [...b].sort()];
      return left.length === right.length && left.every((v, i) => v === right[i]);
    }
    if (isTextContent(a) && isTextContent(b)) return a.content === b.content;
    return a === b;
  }

  /** Select input: an ID, a label, `{name}` or `{id}`. */
  private selectId(field: FieldDefinition, input: unknown): number {
    const wanted = typeof input === 'object' && input !== null
      ? (input as { name?: unknown; id?: unknown }).name ?? (input as { id?: unknown }).id
      : input;
    const match = field.values.find((v) => v.enabled && (typeof wanted === 'number' ? v.value === wanted : v.label === wanted));
    if (!match) throw invalid(field, input);
    return match.value;
  }

  private label(field: FieldDefinition, id: number): string | number {
    return field.values.find((v) => v.value === id)?.label ?? id; // an orphaned ID stays visible as a number
  }
}

function definition(spec: FieldSpec, id: number): FieldDefinition {
  return {
    id,
    name: spec.name,
    text: spec.text,
    prefix: spec.custom ? 'properties' : null,
    type_id: 0,
    input_type: spec.input_type,
    required: spec.required ?? null,
    rich_text: spec.rich_text ?? false,
    blank_option: spec.input_type === 'select',
    internal: !spec.custom,
    read_only: false,
    changeable: true,
    deprecated: false,
    tooltip: '',
    placeholder: '',
    export_key: `incident/${spec.name}`,
    uuid: randomUUID(),
    operations: [],
    templates: [],
    values: (spec.values ?? []).map(([label, value]) => ({
      value, label, enabled: true, hidden: false, default: false, uuid: randomUUID(), properties: null,
    })),
  };
}

function isTextContent(value: StoredValue | undefined): value is TextContent {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: FieldDefinition, input: unknown): ResilientApiError {
  return new ResilientApiError(400, `Invalid value ${JSON.stringify(input)} for field '${field.name}'`);
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
