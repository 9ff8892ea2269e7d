/**
 * Validates STIX 2.1 bundles against the OASIS JSON schemas shipped in `vendor/stix2.1/schemas` (BSD-3, OASIS),
 * plus the one thing those schemas leave out: the syntax of `stix` indicator patterns.
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
  bundle: ValidateFunction;
  byObjectType: Map<string, ValidateFunction>;
  /** Types bundle.json's `objects` names a schema for; others only pass as custom objects. */
  acceptedInBundle: Set<string>;
}

function schemaFileNamesReferencedBy(node: unknown): string[] {
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [path.basename(value, '.json')] : schemaFileNamesReferencedBy(value));
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
  let acceptedInBundle = new Set<string>();
  for (const file of jsonFilesUnder(dir)) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id: string; properties?: { objects?: unknown } };
    ajv.addSchema(schema);
    if (schema.$id === BUNDLE_SCHEMA_ID) acceptedInBundle = new Set(schemaFileNamesReferencedBy(schema.properties?.objects));
    const folder = path.basename(path.dirname(file));
    const objectType = path.basename(file, '.json');
    if (folder !== 'common' || COMMON_OBJECT_SCHEMAS.includes(objectType)) schemaIdByObjectType.set(objectType, schema.$id);
  }
  // Compiled only once every file is registered, so cross-file $refs resolve.
  const byObjectType = new Map([...schemaIdByObjectType].map(([type, id]) => [type, ajv.getSchema(id)!]));
  const bundle = ajv.getSchema(BUNDLE_SCHEMA_ID);
  if (!bundle) throw new Error(`bundle schema ${BUNDLE_SCHEMA_ID} missing from ${dir}`);
  const compiled = { bundle, byObjectType, acceptedInBundle };
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
 * Validates the bundle against bundle.json and parses the pattern of every `stix` indicator. When the
 * bundle fails, each object is also checked against the schema of its own type, because bundle.json
 * only says "matches none of 36 schemas", which names no culprit.
 */
export function validateStixBundle(bundle: unknown): StixValidationResult {
  const schemas = compileSchemas(resolveStixSchemasDir());
  const bundleValid = schemas.bundle(bundle) as boolean;
  const bundleErrors = schemas.bundle.errors ?? [];
  const errors = unique(bundleErrors.filter((e) => !e.instancePath.startsWith('/objects/')).map((e) => `bundle: ${describe(e)}`));

  const objects = (bundle as { objects?: unknown } | null)?.objects;
  if (Array.isArray(objects)) {
    objects.forEach((object, index) => errors.push(...objectErrors(object, index, schemas, !bundleValid)));
  }
  if (!bundleValid && errors.length === 0) {
    // Only objects of custom (non-spec) types get here: report what bundle.json itself said.
    errors.push(...unique(bundleErrors.slice(0, MAX_ERRORS_PER_OBJECT).map((e) => `bundle: ${describe(e)}`)));
  }
  return { valid: bundleValid && errors.length === 0, errors };
}

function objectErrors(object: unknown, index: number, schemas: CompiledSchemas, explainSchemaFailure: boolean): string[] {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return [`objects[${index}]: not an object`];
  const { type, id, pattern, pattern_type: patternType } = object as Record<string, unknown>;
  const label = `objects[${index}] ${typeof id === 'string' ? id : `(${String(type)} without id)`}`;
  const errors: string[] = [];
  const validate = typeof type === 'string' ? schemas.byObjectType.get(type) : undefined;
  if (explainSchemaFailure && validate) {
    if (!validate(object)) {
      errors.push(...unique((validate.errors ?? []).map((e) => `${label}: ${describe(e)}`)).slice(0, MAX_ERRORS_PER_OBJECT));
    } else if (!schemas.acceptedInBundle.has(type as string)) {
      // e.g. note, opinion, grouping: valid alone, but bundle.json has no schema for them and its
      // custom-object branch matches them twice (SDO and SCO core), so the bundle is rejected.
      errors.push(`${label}: type '${String(type)}' is not among the object types bundle.json accepts`);
    }
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
