/**
 * Validates STIX 2.1 bundles against the OASIS JSON schemas shipped in `vendor/stix2.1/schemas` (BSD-3, OASIS),
 * each object against its own type's schema, plus the one thing those schemas leave out: the syntax of `stix`
 * indicator patterns.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { domainToASCII, fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

export interface StixValidationResult {
  valid: boolean;
  errors: string[];
}

const SCHEMA_ID_BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
const BUNDLE_SCHEMA_ID = `${SCHEMA_ID_BASE}common/bundle.json`;
// bundle.json without its per-object `oneOf` (see validateStixBundle): the envelope alone, next to it so its $refs resolve.
const ENVELOPE_SCHEMA_ID = `${SCHEMA_ID_BASE}common/bundle-envelope.json`;
// What an object of a type without a schema of its own (a custom object) is checked against.
const CORE_SCHEMA_ID = `${SCHEMA_ID_BASE}common/core.json`;
// Object types whose schema lives in common/ rather than sdos/, sros/ or observables/.
const COMMON_OBJECT_SCHEMAS = ['marking-definition', 'language-content', 'extension-definition'];
const MAX_ERRORS_PER_OBJECT = 10;

/**
 * The schema directory: `STIX_SCHEMAS_DIR` when set, else the copy shipped with the project
 * (`vendor/stix2.1/schemas`, found from this module whether it runs from `src/` or `dist/src/`).
 */
export function resolveStixSchemasDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.STIX_SCHEMAS_DIR,
    path.resolve(here, '../../vendor/stix2.1/schemas'),
    path.resolve(here, '../../../vendor/stix2.1/schemas'),
  ];
  for (const dir of candidates) {
    if (dir && existsSync(path.join(dir, 'common', 'bundle.json'))) return path.resolve(dir);
  }
  throw new Error(`STIX 2.1 schemas not found: looked in ${candidates.filter(Boolean).join(', ')}`);
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return jsonFilesUnder(full);
    return entry.name.endsWith('.json') ? [full] : [];
  });
}

// The schemas use `idn-hostname`, which ajv-formats does not ship; WHATWG's domainToASCII applies
// the IDNA rules and returns '' for names it rejects.
const ASCII_HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
function isIdnHostname(value: string): boolean {
  const ascii = domainToASCII(value);
  return ascii !== '' && ASCII_HOSTNAME.test(ascii);
}

interface CompiledSchemas {
  envelope: ValidateFunction;
  byObjectType: Map<string, ValidateFunction>;
  custom: ValidateFunction;
}

/** bundle.json as an envelope: type, a `bundle--` id and a non-empty `objects` array, whatever the objects are. */
function envelopeSchema(bundle: { properties: { objects: Record<string, unknown> }; required?: string[] }): Record<string, unknown> {
  const { items: _perObject, ...objects } = bundle.properties.objects;
  return {
    ...bundle, $id: ENVELOPE_SCHEMA_ID,
    properties: { ...bundle.properties, objects: { ...objects, items: { type: 'object' } } },
    required: [...new Set([...(bundle.required ?? []), 'objects'])],
  };
}

const compiledByDir = new Map<string, CompiledSchemas>();

function compileSchemas(dir: string): CompiledSchemas {
  const cached = compiledByDir.get(dir);
  if (cached) return cached;
  // The OASIS regexes are not valid in Unicode mode (`\-` escapes), and they use `required` inside
  // `not` for properties they do not declare, which strict mode would refuse.
  const ajv = new Ajv2020({ allErrors: true, unicodeRegExp: false, strictSchema: true, strictTypes: false, strictRequired: false, strictTuples: false });
  ajvFormats.default(ajv);
  ajv.addFormat('idn-hostname', { type: 'string', validate: isIdnHostname });
  const schemaIdByObjectType = new Map<string, string>();
  for (const file of jsonFilesUnder(dir)) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    if (schema.$id === BUNDLE_SCHEMA_ID) ajv.addSchema(envelopeSchema(schema as never));
    const folder = path.basename(path.dirname(file));
    const objectType = path.basename(file, '.json');
    if (folder !== 'common' || COMMON_OBJECT_SCHEMAS.includes(objectType)) schemaIdByObjectType.set(objectType, schema.$id);
  }
  // Compiled only once every file is registered, so cross-file $refs resolve.
  const byObjectType = new Map([...schemaIdByObjectType].map(([type, id]) => [type, ajv.getSchema(id)!]));
  const envelope = ajv.getSchema(ENVELOPE_SCHEMA_ID);
  const custom = ajv.getSchema(CORE_SCHEMA_ID);
  if (!envelope || !custom) throw new Error(`bundle or core schema missing from ${dir}`);
  const compiled = { envelope, byObjectType, custom };
  compiledByDir.set(dir, compiled);
  return compiled;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(root)';
  const params = error.params as Record<string, unknown>;
  const detail =
    'allowedValues' in params ? ` ${JSON.stringify(params.allowedValues)}` :
    'additionalProperty' in params ? ` '${String(params.additionalProperty)}'` : '';
  return `${where} ${error.message ?? error.keyword}${detail}`;
}

function unique(messages: string[]): string[] {
  return [...new Set(messages)];
}

/**
 * Validates a bundle as the schemas' maintainers intend (shared/stix2.1/ABOUT.md): the envelope (`type: "bundle"`,
 * a `bundle--` id, a non-empty `objects` array), then each object against the schema of its own type (an unknown
 * type, a custom object, against core.json), and the pattern of every `stix` indicator. Not the whole bundle
 * against bundle.json: its `oneOf` leaves out `note`, `opinion`, `grouping` and `location`, which then match its
 * custom-object branch twice and fail, though they are valid STIX.
 */
export function validateStixBundle(bundle: unknown): StixValidationResult {
  const schemas = compileSchemas(resolveStixSchemasDir());
  const errors: string[] = [];
  if (!(schemas.envelope(bundle) as boolean)) {
    errors.push(...unique((schemas.envelope.errors ?? []).filter((e) => !e.instancePath.startsWith('/objects/')).map((e) => `bundle: ${describe(e)}`)));
  }
  const objects = (bundle as { objects?: unknown } | null)?.objects;
  if (Array.isArray(objects)) {
    objects.forEach((object, index) => errors.push(...objectErrors(object, index, schemas)));
  }
  return { valid: errors.length === 0, errors };
}

/** Validates one STIX object against the schema of its own type (for a bundle's parts, or one object alone). */
export function validateStixObject(object: unknown): StixValidationResult {
  const errors = objectErrors(object, 0, compileSchemas(resolveStixSchemasDir()));
  return { valid: errors.length === 0, errors };
}

function objectErrors(object: unknown, index: number, schemas: CompiledSchemas): string[] {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return [`objects[${index}]: not an object`];
  const { type, id, pattern, pattern_type: patternType } = object as Record<string, unknown>;
  const label = `objects[${index}] ${typeof id === 'string' ? id : `(${String(type)} without id)`}`;
  const errors: string[] = [];
  const validate = (typeof type === 'string' ? schemas.byObjectType.get(type) : undefined) ?? schemas.custom;
  if (!validate(object)) {
    errors.push(...unique((validate.errors ?? []).map((e) => `${label}: ${describe(e)}`)).slice(0, MAX_ERRORS_PER_OBJECT));
  }
  if (type === 'indicator' && patternType === 'stix' && typeof pattern === 'string') {
    const problem = stixPatternError(pattern);
    if (problem) errors.push(`${label}: /pattern ${problem}`);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// STIX patterning (STIX 2.1 part 9, grammar STIXPattern.g4): a recursive-descent recogniser. It
// checks syntax only, which is what catches broken quoting or brackets in generated patterns.

type Token = { kind: 'punct' | 'word' | 'string' | 'number' | 'typed'; text: string };

const WHITESPACE = /\s*/y;
const TOKEN =
  /(?<typed>[thb]'(?:[^'\\]|\\.)*')|(?<string>'(?:[^'\\]|\\.)*')|(?<number>[+-]?\d+(?:\.\d+)?)|(?<word>[A-Za-z_][A-Za-z0-9_-]*)|(?<punct>!=|<>|<=|>=|==|[[\]():,.=<>*])/y;
const VALID_ESCAPE = /\\['\\]/g;
const TIMESTAMP = /^t'\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?Z'$/;
const HEX_LITERAL = /^h'(?:[0-9a-fA-F]{2})*'$/;
const BINARY_LITERAL = /^b'[A-Za-z0-9+/]*={0,2}'$/;
const OBJECT_TYPE = /^(?:[a-z][a-z0-9-]*[a-z0-9]|x-[a-z0-9-]+)$/;
const PATH_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMPARISON_OPERATORS = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=']);
const STRING_OPERATORS = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  for (;;) {
    WHITESPACE.lastIndex = offset;
    WHITESPACE.exec(pattern);
    offset = WHITESPACE.lastIndex;
    if (offset >= pattern.length) return tokens;
    TOKEN.lastIndex = offset;
    const match = TOKEN.exec(pattern);
    if (!match) throw new SyntaxError(`unexpected character at offset ${offset}`);
    offset = TOKEN.lastIndex;
    const [kind, text] = Object.entries(match.groups!).find(([, value]) => value !== undefined) as [Token['kind'], string];
    if ((kind === 'string' || kind === 'typed') && text.replace(VALID_ESCAPE, '').includes('\\')) {
      throw new SyntaxError(`invalid escape in ${text} (only \\' and \\\\ are allowed)`);
    }
    tokens.push({ kind, text });
  }
}

class PatternParser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): void {
    this.observationExpressions();
    if (this.peek()) this.fail(`unexpected '${this.peek()!.text}'`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private accept(text: string): boolean {
    const token = this.peek();
    if (token && (token.kind === 'punct' || token.kind === 'word') && token.text === text) {
      this.position += 1;
      return true;
    }
    return false;
  }

  private expect(text: string): void {
    if (!this.accept(text)) this.fail(`expected '${text}'`);
  }

  private next(what: string): Token {
    const token = this.peek();
    if (!token) this.fail(`expected ${what}`);
    this.position += 1;
    return token;
  }

  private fail(message: string): never {
    const token = this.peek();
    throw new SyntaxError(`${message} ${token ? `at '${token.text}'` : 'at end of pattern'}`);
  }

  /** For a token already consumed. */
  private reject(token: Token, message: string): never {
    throw new SyntaxError(`${message} at '${token.text}'`);
  }

  // FOLLOWEDBY binds loosest, then OR, then AND (the same ladder inside brackets without FOLLOWEDBY).
  private observationExpressions(): void {
    do this.observationOr(); while (this.accept('FOLLOWEDBY'));
  }

  private observationOr(): void {
    do this.observationAnd(); while (this.accept('OR'));
  }

  private observationAnd(): void {
    do this.observation(); while (this.accept('AND'));
  }

  private observation(): void {
    if (this.accept('[')) {
      this.comparisonOr();
      this.expect(']');
    } else if (this.accept('(')) {
      this.observationExpressions();
      this.expect(')');
    } else {
      this.fail("expected '[' or '('");
    }
    this.qualifiers();
  }

  private qualifiers(): void {
    for (;;) {
      if (this.accept('START')) {
        this.literal(TIMESTAMP, 'a timestamp');
        this.expect('STOP');
        this.literal(TIMESTAMP, 'a timestamp');
      } else if (this.accept('WITHIN')) {
        this.positiveNumber();
        this.expect('SECONDS');
      } else if (this.accept('REPEATS')) {
        this.positiveNumber();
        this.expect('TIMES');
      } else {
        return;
      }
    }
  }

  private comparisonOr(): void {
    do this.comparisonAnd(); while (this.accept('OR'));
  }

  private comparisonAnd(): void {
    do this.propertyTest(); while (this.accept('AND'));
  }

  private propertyTest(): void {
    if (this.accept('(')) {
      this.comparisonOr();
      this.expect(')');
      return;
    }
    if (this.accept('EXISTS')) {
      this.objectPath();
      return;
    }
    this.objectPath();
    this.accept('NOT');
    const operator = this.next('a comparison operator');
    if (COMPARISON_OPERATORS.has(operator.text)) {
      this.primitiveLiteral();
    } else if (operator.text === 'IN') {
      this.setLiteral();
    } else if (STRING_OPERATORS.has(operator.text)) {
      const operand = this.next('a string');
      if (operand.kind !== 'string') this.reject(operand, `${operator.text} needs a string`);
    } else {
      this.reject(operator, 'expected a comparison operator');
    }
  }

  private objectPath(): void {
    const type = this.next('an object type');
    if (type.kind !== 'word' || !OBJECT_TYPE.test(type.text)) this.reject(type, 'invalid object type');
    this.expect(':');
    this.pathComponent();
    for (;;) {
      if (this.accept('.')) {
        this.pathComponent();
      } else if (this.accept('[')) {
        const index = this.next('an index');
        if (!(index.text === '*' || (index.kind === 'number' && /^[+-]?\d+$/.test(index.text)))) this.reject(index, 'invalid list index');
        this.expect(']');
      } else {
        return;
      }
    }
  }

  private pathComponent(): void {
    const component = this.next('a property name');
    if (component.kind === 'string') return;
    if (component.kind !== 'word' || !PATH_IDENTIFIER.test(component.text)) this.reject(component, 'invalid property name (quote names with hyphens)');
  }

  private primitiveLiteral(): void {
    const literal = this.next('a literal');
    if (literal.kind === 'string' || literal.kind === 'number') return;
    if (literal.kind === 'word' && (literal.text === 'true' || literal.text === 'false')) return;
    if (literal.kind === 'typed' && [TIMESTAMP, HEX_LITERAL, BINARY_LITERAL].some((shape) => shape.test(literal.text))) return;
    this.reject(literal, 'invalid literal');
  }

  private setLiteral(): void {
    this.expect('(');
    if (this.accept(')')) return;
    do this.primitiveLiteral(); while (this.accept(','));
    this.expect(')');
  }

  private literal(shape: RegExp, what: string): void {
    const token = this.next(what);
    if (!shape.test(token.text)) this.reject(token, `expected ${what}`);
  }

  private positiveNumber(): void {
    const token = this.next('a number');
    if (token.kind !== 'number' || Number(token.text) <= 0) this.reject(token, 'expected a positive number');
  }
}

/** Why `pattern` is not valid STIX patterning syntax, or null when it is. */
export function stixPatternError(pattern: string): string | null {
  try {
    new PatternParser(tokenize(pattern)).parse();
    return null;
  } catch (error) {
    if (error instanceof SyntaxError) return error.message;
    throw error;
  }
}
