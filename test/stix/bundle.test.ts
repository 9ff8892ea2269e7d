import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  buildEnrichmentBundle,
  deterministicObservableId,
  indicatorPattern,
  TLP_MARKING_DEFINITIONS,
  type EnrichedIndicator,
  type EnrichmentBundleInput,
  type StixObject,
  type TlpLevel,
} from '../../src/stix/bundle.js';
import { resolveStixSchemasDir, stixPatternError, validateStixBundle, validateStixObject } from '../../src/stix/validate.js';

const MD5 = '44d88612fea8a8f36de82e1278abb02f';
const SHA1 = '3395856ce81f2b7382dee72602f798b642f14140';
const SHA256 = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f';
const NOW = new Date('2026-11-02T09:30:00.000Z');

function enriched(type: EnrichedIndicator['type'], value: string, overrides: Partial<EnrichedIndicator> = {}): EnrichedIndicator {
  return {
    type,
    value,
    verdict: 'MALICIOUS',
    score: 87,
    enrichments: [
      { provider: 'VirusTotal', verdict: 'MALICIOUS', score: 87, summary: '12/90 engines flag it', link: 'https://www.virustotal.com/gui/search/x' },
      { provider: 'AbuseIPDB', verdict: 'SUSPICIOUS', score: null, summary: 'reported 3 times' },
    ],
    ...overrides,
  };
}

const EVERY_TYPE: EnrichedIndicator[] = [
  enriched('IPV4', '45.77.10.2'),
  enriched('IPV6', '2606:4700:4700:0:0:0:0:1111', { verdict: 'SUSPICIOUS', score: 55.6 }),
  enriched('DOMAIN', 'Evil-CDN.example.net', { verdict: 'HARMLESS', score: 0 }),
  enriched('URL', "http://evil.example.net/it's\\here?q=a b|c#frag#more", { verdict: 'UNKNOWN', score: null }),
  enriched('EMAIL', 'Billing@Evil-Pay.com'),
  enriched('MD5', MD5.toUpperCase(), { score: 140 }),
  enriched('SHA1', SHA1, { enrichments: [] }),
  enriched('SHA256', SHA256),
];

function input(overrides: Partial<EnrichmentBundleInput> = {}): EnrichmentBundleInput {
  return {
    ticket: { externalId: '10047', title: 'Phishing mail with invoice link', url: 'https://tenant.example.com/HEAT/Incident/10047', createdAt: new Date('2026-11-01T08:00:00Z') },
    tlp: 'AMBER',
    indicators: EVERY_TYPE,
    cves: ['CVE-2021-44228', 'cve-2023-4863'],
    now: NOW,
    ...overrides,
  };
}

function objectsOfType(objects: StixObject[], type: string): StixObject[] {
  return objects.filter((object) => object.type === type);
}

function expectValid(bundle: unknown): void {
  const result = validateStixBundle(bundle);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
}

describe('buildEnrichmentBundle', () => {
  it('builds a bundle that validates against the STIX 2.1 schemas, with every indicator type and CVEs', () => {
    const { bundle, counts } = buildEnrichmentBundle(input());
    expectValid(bundle);
    expect(bundle.id).toMatch(/^bundle--[0-9a-f-]{36}$/);
    expect(counts).toEqual({ indicators: 8, observables: 8, notes: 14, vulnerabilities: 2 });
    expect(objectsOfType(bundle.objects, 'relationship')).toHaveLength(8);
  });

  it.each(Object.keys(TLP_MARKING_DEFINITIONS) as TlpLevel[])('validates and marks every object with TLP %s', (tlp) => {
    const { bundle } = buildEnrichmentBundle(input({ tlp }));
    expectValid(bundle);
    const markings = objectsOfType(bundle.objects, 'marking-definition');
    expect(markings).toEqual([TLP_MARKING_DEFINITIONS[tlp]]);
    for (const object of bundle.objects.filter((o) => o.type !== 'marking-definition')) {
      expect(object.object_marking_refs).toEqual([markings[0]!.id]);
    }
  });

  it('uses the spec-defined TLP 1.0 ids and the OASIS TLP 2.0 ids', () => {
    expect(TLP_MARKING_DEFINITIONS.RED.id).toBe('marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed');
    expect(TLP_MARKING_DEFINITIONS.WHITE).toMatchObject({ definition_type: 'tlp', definition: { tlp: 'white' } });
    expect(TLP_MARKING_DEFINITIONS.CLEAR.id).toBe('marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487');
    expect(TLP_MARKING_DEFINITIONS['AMBER+STRICT']).toMatchObject({
      name: 'TLP:AMBER+STRICT',
      extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'amber+strict' } },
    });
  });

  it('writes a correct, escaped STIX pattern per indicator type', () => {
    const { bundle } = buildEnrichmentBundle(input());
    const patterns = objectsOfType(bundle.objects, 'indicator').map((indicator) => indicator.pattern);
    expect(patterns).toEqual([
      "[ipv4-addr:value = '45.77.10.2']",
      "[ipv6-addr:value = '2606:4700:4700::1111']",
      "[domain-name:value = 'evil-cdn.example.net']",
      "[url:value = 'http://evil.example.net/it\\'s%5Chere?q=a%20b%7Cc#frag%23more']",
      "[email-addr:value = 'billing@evil-pay.com']",
      `[file:hashes.MD5 = '${MD5}']`,
      `[file:hashes.'SHA-1' = '${SHA1}']`,
      `[file:hashes.'SHA-256' = '${SHA256}']`,
    ]);
    for (const pattern of patterns) expect(stixPatternError(pattern as string)).toBeNull();
  });

  it('writes SHA-512 and SSDEEP as file hashes, and refuses a malformed one', () => {
    const sha512 = 'ab'.repeat(64);
    const ssdeep = '96:s4Ud1Lj96tHHlZDrwciQmA:s4UdFWtHHlZDrwY';
    const { bundle } = buildEnrichmentBundle(input({ indicators: [enriched('SHA512', sha512.toUpperCase()), enriched('SSDEEP', ssdeep)], cves: [] }));
    expectValid(bundle);
    const patterns = objectsOfType(bundle.objects, 'indicator').map((indicator) => indicator.pattern);
    expect(patterns).toEqual([`[file:hashes.'SHA-512' = '${sha512}']`, `[file:hashes.SSDEEP = '${ssdeep}']`]);
    for (const pattern of patterns) expect(stixPatternError(pattern as string)).toBeNull();
    expect(objectsOfType(bundle.objects, 'file').map((file) => file.hashes)).toEqual([{ 'SHA-512': sha512 }, { SSDEEP: ssdeep }]);
    expect(() => buildEnrichmentBundle(input({ indicators: [enriched('SHA512', SHA256)] }))).toThrow(RangeError);
    expect(() => buildEnrichmentBundle(input({ indicators: [enriched('SSDEEP', 'not a fuzzy hash')] }))).toThrow(RangeError);
  });

  it('escapes quotes and backslashes inside pattern strings', () => {
    const pattern = indicatorPattern('DOMAIN', "a'b\\c");
    expect(pattern).toBe("[domain-name:value = 'a\\'b\\\\c']");
    expect(stixPatternError(pattern)).toBeNull();
  });

  it('derives indicator_types from the verdict and confidence from the score', () => {
    const { bundle } = buildEnrichmentBundle(input());
    const indicators = objectsOfType(bundle.objects, 'indicator');
    expect(indicators.map((i) => i.indicator_types)).toEqual([
      ['malicious-activity'], ['anomalous-activity'], ['benign'], ['unknown'], ['malicious-activity'], ['malicious-activity'], ['malicious-activity'], ['malicious-activity'],
    ]);
    expect(indicators.map((i) => i.confidence)).toEqual([87, 56, 0, undefined, 87, 100, 87, 87]);
    expect(indicators[0]).toMatchObject({ pattern_type: 'stix', pattern_version: '2.1', valid_from: '2026-11-01T08:00:00.000Z', created: NOW.toISOString() });
  });

  it('gives observables the deterministic ids of STIX 2.1 §2.9', () => {
    // Reference value published with the spec and used by the OASIS python-stix2 library.
    expect(deterministicObservableId('domain-name', { value: 'example.com' })).toBe('domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7');
    const first = buildEnrichmentBundle(input());
    const second = buildEnrichmentBundle(input());
    const observableIds = (objects: StixObject[]) => objects.filter((o) => !['identity', 'marking-definition', 'indicator', 'relationship', 'vulnerability', 'note'].includes(o.type)).map((o) => o.id);
    expect(observableIds(first.bundle.objects)).toEqual(observableIds(second.bundle.objects));
    // Computed independently with Python's uuid.uuid5 over the JCS form of the id-contributing properties.
    expect(observableIds(first.bundle.objects)).toContain('file--00f91c70-2975-500a-919c-fe3a0d6c125a');
    expect(observableIds(first.bundle.objects)).toContain('ipv4-addr--164cb1fa-2f69-5a25-8d05-3cc706c84890');
    expect(first.bundle.id).not.toBe(second.bundle.id);
    expect(objectsOfType(first.bundle.objects, 'indicator')[0]!.id).not.toBe(objectsOfType(second.bundle.objects, 'indicator')[0]!.id);
  });

  it('links each indicator to its observable and attaches the provider results to it', () => {
    const { bundle, counts } = buildEnrichmentBundle(input({ indicators: [EVERY_TYPE[0]!], cves: [] }));
    expect(counts).toEqual({ indicators: 1, observables: 1, notes: 2, vulnerabilities: 0 });
    const [indicator] = objectsOfType(bundle.objects, 'indicator');
    const [observable] = objectsOfType(bundle.objects, 'ipv4-addr');
    const [relationship] = objectsOfType(bundle.objects, 'relationship');
    expect(observable).toMatchObject({ value: '45.77.10.2', spec_version: '2.1' });
    expect(relationship).toMatchObject({ relationship_type: 'based-on', source_ref: indicator!.id, target_ref: observable!.id });
    expect(indicator!.description).toBe([
      'IPV4 seen in Ivanti ticket 10047 (Phishing mail with invoice link). Verdict: MALICIOUS (score 87).',
      '- VirusTotal: MALICIOUS (score 87): 12/90 engines flag it',
      '- AbuseIPDB: SUSPICIOUS: reported 3 times',
    ].join('\n'));
    expect(indicator!.external_references).toEqual([
      { source_name: 'ivanti-itsm', external_id: '10047', description: 'Phishing mail with invoice link', url: 'https://tenant.example.com/HEAT/Incident/10047' },
      { source_name: 'VirusTotal', description: 'MALICIOUS (score 87): 12/90 engines flag it', url: 'https://www.virustotal.com/gui/search/x' },
      { source_name: 'AbuseIPDB', description: 'SUSPICIOUS: reported 3 times' },
    ]);
  });

  it('case 8 (issue 10): publishes each provider result as a note referencing the indicator and its observable, valid as a note', () => {
    const { bundle } = buildEnrichmentBundle(input({ indicators: [EVERY_TYPE[0]!], cves: [] }));
    const [indicator] = objectsOfType(bundle.objects, 'indicator');
    const [observable] = objectsOfType(bundle.objects, 'ipv4-addr');
    const notes = objectsOfType(bundle.objects, 'note');
    expect(notes).toEqual([
      expect.objectContaining({
        abstract: 'VirusTotal: MALICIOUS (score 87)', content: '12/90 engines flag it', authors: ['VirusTotal'],
        object_refs: [indicator!.id, observable!.id], labels: ['enrichment', 'verdict-malicious'],
        external_references: [{ source_name: 'VirusTotal', url: 'https://www.virustotal.com/gui/search/x' }],
      }),
      expect.objectContaining({ abstract: 'AbuseIPDB: SUSPICIOUS', content: 'reported 3 times', authors: ['AbuseIPDB'], labels: ['enrichment', 'verdict-suspicious'] }),
    ]);
    for (const note of notes) {
      expect(note).toMatchObject({ spec_version: '2.1', created_by_ref: objectsOfType(bundle.objects, 'identity')[0]!.id, object_marking_refs: [TLP_MARKING_DEFINITIONS.AMBER.id] });
      expect(validateStixObject(note)).toEqual({ valid: true, errors: [] });
    }
    expectValid(bundle);
    // A CVE's provider results reference its vulnerability.
    const cve = buildEnrichmentBundle(input({ indicators: [enriched('CVE', 'CVE-2021-44228')], cves: [] })).bundle;
    expect(objectsOfType(cve.objects, 'note').map((n) => n.object_refs)).toEqual([[objectsOfType(cve.objects, 'vulnerability')[0]!.id], [objectsOfType(cve.objects, 'vulnerability')[0]!.id]]);
  });

  it('validates each object against its own type: notes and opinions pass, a note without its required fields fails by name', () => {
    const { bundle } = buildEnrichmentBundle(input());
    const ref = bundle.objects[0]!.id;
    const opinion = { type: 'opinion', spec_version: '2.1', id: 'opinion--5f8e6d8c-1a2b-4c3d-8e9f-0a1b2c3d4e5f', created: NOW.toISOString(), modified: NOW.toISOString(), opinion: 'agree', object_refs: [ref] };
    expectValid({ ...bundle, objects: [...bundle.objects, opinion] });
    const broken = { type: 'note', spec_version: '2.1', id: 'note--5f8e6d8c-1a2b-4c3d-8e9f-0a1b2c3d4e5f', created: NOW.toISOString(), modified: NOW.toISOString(), object_refs: [ref] };
    const result = validateStixBundle({ ...bundle, objects: [...bundle.objects, broken] });
    expect(result.valid).toBe(false);
    expect(result.errors).toContain(`objects[${bundle.objects.length}] note--5f8e6d8c-1a2b-4c3d-8e9f-0a1b2c3d4e5f: (root) must have required property 'content'`);
  });

  it('credits the hub identity on every SDO and SRO', () => {
    const { bundle } = buildEnrichmentBundle(input({ identity: { name: 'Acme SOC hub' } }));
    const [identity] = objectsOfType(bundle.objects, 'identity');
    expect(identity).toMatchObject({ name: 'Acme SOC hub', identity_class: 'system' });
    const sdosAndSros = bundle.objects.filter((o) => ['identity', 'indicator', 'relationship', 'vulnerability'].includes(o.type));
    for (const object of sdosAndSros) expect(object.created_by_ref).toBe(identity!.id);
    expect(buildEnrichmentBundle(input({ identity: { name: 'Acme SOC hub' } })).bundle.objects[0]!.id).toBe(identity!.id);
  });

  it('turns CVEs (from `cves` or CVE indicators) into one vulnerability each', () => {
    const { bundle, counts } = buildEnrichmentBundle(input({ indicators: [enriched('CVE', 'cve-2021-44228')], cves: ['CVE-2021-44228', 'CVE-2024-3094'] }));
    expectValid(bundle);
    expect(counts).toEqual({ indicators: 0, observables: 0, notes: 2, vulnerabilities: 2 });
    const vulnerabilities = objectsOfType(bundle.objects, 'vulnerability');
    expect(vulnerabilities.map((v) => v.name)).toEqual(['CVE-2021-44228', 'CVE-2024-3094']);
    expect(vulnerabilities[0]!.external_references).toContainEqual({ source_name: 'cve', external_id: 'CVE-2021-44228' });
    expect(vulnerabilities[0]!.description).toContain('- VirusTotal: MALICIOUS (score 87): 12/90 engines flag it');
    expect(vulnerabilities[1]!.description).toBeUndefined();
  });

  it('keeps a repeated indicator once', () => {
    const { counts } = buildEnrichmentBundle(input({ indicators: [enriched('DOMAIN', 'evil.com'), enriched('DOMAIN', 'EVIL[.]com.')], cves: [] }));
    expect(counts.indicators).toBe(1);
  });

  it('refuses values that cannot be observables', () => {
    expect(() => buildEnrichmentBundle(input({ indicators: [enriched('IPV4', '999.1.1.1')] }))).toThrow(RangeError);
    expect(() => buildEnrichmentBundle(input({ indicators: [enriched('SHA256', MD5)] }))).toThrow(RangeError);
    expect(() => buildEnrichmentBundle(input({ cves: ['CVE-2024-12'] }))).toThrow(RangeError);
  });

  it('percent-encodes and punycodes URLs so they stay valid RFC 3986 URIs', () => {
    const { bundle } = buildEnrichmentBundle(input({ indicators: [enriched('URL', 'https://пример.рф/путь?q=1 2')], cves: [] }));
    expectValid(bundle);
    expect(objectsOfType(bundle.objects, 'url')[0]!.value).toBe('https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C?q=1%202');
  });
});

describe('validateStixBundle', () => {
  type MutableBundle = Record<string, unknown> & { objects: Array<Record<string, unknown>> };
  const good = (): MutableBundle => structuredClone(buildEnrichmentBundle(input()).bundle) as unknown as MutableBundle;
  const firstIndicator = (bundle: MutableBundle) => bundle.objects.find((o) => o.type === 'indicator')!;

  it('uses the schemas shipped with the project (whatever the working directory), or STIX_SCHEMAS_DIR when set', () => {
    const shipped = path.resolve('vendor/stix2.1/schemas');
    const [cwd, env] = [process.cwd(), process.env.STIX_SCHEMAS_DIR];
    try {
      delete process.env.STIX_SCHEMAS_DIR;
      process.chdir('/');
      expect(resolveStixSchemasDir()).toBe(shipped);
      process.env.STIX_SCHEMAS_DIR = path.join(shipped, 'nowhere');
      expect(resolveStixSchemasDir()).toBe(shipped); // a setting without the schemas is passed over
      // A directory with the schemas (its common/bundle.json is what is looked for) wins over the shipped copy.
      const elsewhere = mkdtempSync(path.join(tmpdir(), 'stix-schemas-'));
      mkdirSync(path.join(elsewhere, 'common'));
      copyFileSync(path.join(shipped, 'common', 'bundle.json'), path.join(elsewhere, 'common', 'bundle.json'));
      process.env.STIX_SCHEMAS_DIR = elsewhere;
      expect(resolveStixSchemasDir()).toBe(elsewhere);
    } finally {
      process.chdir(cwd);
      if (env === undefined) delete process.env.STIX_SCHEMAS_DIR;
      else process.env.STIX_SCHEMAS_DIR = env;
    }
  });

  it('rejects an indicator whose pattern_type is missing or not a string', () => {
    const missing = good();
    delete firstIndicator(missing).pattern_type;
    const missingResult = validateStixBundle(missing);
    expect(missingResult.valid).toBe(false);
    expect(missingResult.errors.join('\n')).toMatch(/indicator--.*must have required property 'pattern_type'/);

    const numeric = good();
    firstIndicator(numeric).pattern_type = 42;
    expect(validateStixBundle(numeric).errors.join('\n')).toMatch(/\/pattern_type must be string/);
  });

  it('rejects malformed ids', () => {
    const badId = good();
    firstIndicator(badId).id = 'indicator--not-a-uuid';
    expect(validateStixBundle(badId).valid).toBe(false);

    const badBundleId = good();
    badBundleId.id = 'report--5f8e6d8c-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
    const result = validateStixBundle(badBundleId);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/^bundle: \/id must match pattern/m);
  });

  it('rejects a broken STIX pattern, which the schemas alone would accept', () => {
    const broken = good();
    firstIndicator(broken).pattern = "[ipv4-addr:value = '45.77.10.2]";
    const result = validateStixBundle(broken);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/\/pattern /);
  });

  it('rejects a TLP marking that claims a predefined level with the wrong id, and a wrong envelope', () => {
    const forged = good();
    const marking = forged.objects.find((o) => o.type === 'marking-definition')!;
    marking.id = 'marking-definition--11111111-2222-4333-8444-555555555555';
    expect(validateStixBundle(forged).valid).toBe(false);
    expect(validateStixBundle({ type: 'bundle', id: 'bundle--5f8e6d8c-1a2b-4c3d-8e9f-0a1b2c3d4e5f', objects: [] }).valid).toBe(false);
    expect(validateStixBundle({ type: 'collection', objects: [{}] }).valid).toBe(false);
  });

  it.each(
    readdirSync('vendor/stix2.1/examples', { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.json') && !file.startsWith('interop-'))
      .sort(),
  )('accepts the OASIS example %s', (file) => {
    expectValid(JSON.parse(readFileSync(path.join('vendor/stix2.1/examples', file), 'utf8')));
  });
});

describe('stixPatternError', () => {
  it.each([
    "[ipv4-addr:value = '198.51.100.1/32']",
    "[file:hashes.'SHA-256' = 'aa' AND file:size > 10] FOLLOWEDBY [url:value LIKE '%evil%'] WITHIN 300 SECONDS",
    "([domain-name:value IN ('a.com', 'b.com')] OR [network-traffic:dst_port NOT = 443]) REPEATS 5 TIMES",
    "[email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final\\\\.exe$'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00.5Z'",
    "[x509-certificate:issuer = 'CN=x' AND (x509-certificate:version = 3 OR EXISTS x509-certificate:serial_number)]",
    "[artifact:payload_bin = b'aGVsbG8=' OR artifact:magic_number_hex = h'ffd8']",
  ])('accepts %s', (pattern) => {
    expect(stixPatternError(pattern)).toBeNull();
  });

  it.each([
    ["ipv4-addr:value = '1.2.3.4'", /expected '\['/],
    ["[ipv4-addr:value = '1.2.3.4'", /expected '\]'/],
    ["[ipv4-addr:value = '1.2.3.4]", /unexpected character/],
    ["[ipv4-addr:value = 'it's']", /unexpected character at offset 24/],
    ["[ipv4-addr:value = 'a\\b']", /invalid escape/],
    ["[ipv4-addr:value == ]", /invalid literal at '\]'/],
    ["[file:hashes.SHA-256 = 'aa']", /invalid property name .* at 'SHA-256'/],
    ["[Ipv4-Addr:value = '1.2.3.4']", /invalid object type/],
    ["[ipv4-addr:value = '1.2.3.4'] WITHIN 0 SECONDS", /positive number/],
    ["[ipv4-addr:value = '1.2.3.4'] START t'2024-13-01T00:00:00Z' STOP t'2024-01-01T00:00:00Z'", /timestamp/],
  ])('rejects %s', (pattern, reason) => {
    expect(stixPatternError(pattern)).toMatch(reason);
  });
});
