import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadHubConfig, parseHubConfig } from '../../src/config/load-config.js';
import { plannedSandboxes, resolveConfiguredSources } from '../../src/config/resolve-sources.js';
import { registeredVendors } from '../../src/sources/index.js';

describe('hub config', () => {
  it('means "everything on sandboxes" when there is no file', () => {
    const { config, origin } = loadHubConfig(undefined, {});
    expect(origin).toBeNull();
    expect(config.sandboxes).toBe('all');
    expect(config.server.port).toBe(4000);
  });

  it('reads YAML, applies defaults, and keeps a sandbox for every vendor a file does not configure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-config-'));
    const file = join(dir, 'hub.yaml');
    writeFileSync(file, 'server:\n  port: 4555\nsources: []\n');
    const { config } = loadHubConfig(file, {});
    expect(config.server.port).toBe(4555);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.sandboxes).toBe('missing');
    expect(plannedSandboxes(config, []).map((p) => p.vendor)).toEqual(registeredVendors());
    writeFileSync(file, 'sandboxes: none\n');
    expect(loadHubConfig(file, {}).config.sandboxes).toBe('none');
  });

  it('takes PORT and HOST from the environment over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-config-'));
    const file = join(dir, 'hub.yaml');
    writeFileSync(file, 'server:\n  port: 4555\n  host: 127.0.0.1\n');
    const fromEnv = loadHubConfig(file, { PORT: '4777', HOST: '0.0.0.0' }).config.server;
    expect([fromEnv.port, fromEnv.host]).toEqual([4777, '0.0.0.0']);
    expect(loadHubConfig(undefined, { PORT: '4888' }).config.server.port).toBe(4888);
    expect(() => loadHubConfig(undefined, { PORT: 'high' })).toThrow(/PORT=high: not a port number/);
    expect(() => loadHubConfig(undefined, { PORT: '70000' })).toThrow(ConfigError);
  });

  it('names unknown keys in a vendor\'s settings', () => {
    const config = parseHubConfig([
      'sources:',
      '  - vendor: SECUREWORKS_CTP',
      '    baseUrl: https://ctp.example',
      '    credentials: { username: SG_T_USER, password: SG_T_PASSWORD }',
      '    settings:',
      '      concurency: 4',
      '      ticketQueries: [{ ticketType: INCIDENT, surprise: 1 }]',
    ].join('\n'), 'hub.yaml');
    const env = { SG_T_USER: 'u', SG_T_PASSWORD: 'p' };
    expect(() => resolveConfiguredSources(config, env)).toThrow(/sources\.0\.settings\.concurency: unknown setting — did you mean 'concurrency'\?/);
    let message = '';
    try {
      resolveConfiguredSources(config, env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/sources\.0\.settings\.ticketQueries\.0\.surprise: unknown setting/);
    // Known keys pass.
    const good = parseHubConfig(['sources:', '  - vendor: SECUREWORKS_CTP', '    baseUrl: https://ctp.example',
      '    credentials: { username: SG_T_USER, password: SG_T_PASSWORD }', '    settings: { concurrency: 4 }'].join('\n'), 'hub.yaml');
    expect(resolveConfiguredSources(good, env)[0].settings).toMatchObject({ concurrency: 4 });
  });

  it('validates the settings a flow reads from a vendor\'s sources with the flow\'s schema, in the same place', () => {
    const ivanti = (settings: string) => parseHubConfig(['sources:', '  - vendor: IVANTI_ITSM', '    baseUrl: https://itsm.example/api',
      '    credentials: { apiKey: SG_T_KEY }', `    settings: ${settings}`].join('\n'), 'hub.yaml');
    const env = { SG_T_KEY: 'k' };
    // The playbook's keys (src/flows/ivanti-enrichment/settings.ts) beside the vendor's (pageSize), defaults applied.
    const [source] = resolveConfiguredSources(ivanti('{ pageSize: 50, enrichment: { tlp: GREEN, ctixSource: ctix } }'), env);
    expect(source.settings).toMatchObject({ pageSize: 50, enrichment: { tlp: 'GREEN', ctixSource: 'ctix', gapRetries: 30, enabled: true } });
    expect(() => resolveConfiguredSources(ivanti('{ enrichment: { tlp: BLUE } }'), env)).toThrow(/sources\.0\.settings\.enrichment\.tlp/);
    expect(() => resolveConfiguredSources(ivanti('{ enrichment: { gapRetry: 3 } }'), env))
      .toThrow(/sources\.0\.settings\.enrichment\.gapRetry: unknown setting \(known here: .*gapRetries/);
  });

  it('names the key at fault in a bad file', () => {
    expect(() => parseHubConfig('server:\n  port: "high"\n', 'hub.yaml')).toThrow(/server\.port/);
    expect(() => parseHubConfig('sources:\n  - vendor: NOPE\n    baseUrl: https://x\n', 'hub.yaml')).toThrow(/sources\.0\.vendor: Invalid option: expected one of .*"IVANTI_ITSM"/);
    expect(() => parseHubConfig('surprise: true\n', 'hub.yaml')).toThrow(ConfigError);
    expect(() => parseHubConfig('server: [unclosed\n', 'hub.yaml')).toThrow(/not valid YAML/);
  });

  it('says which file cannot be read', () => {
    expect(() => loadHubConfig('/nonexistent/hub.yaml')).toThrow(/HUB_CONFIG=\/nonexistent\/hub.yaml cannot be read: ENOENT/);
  });
});
