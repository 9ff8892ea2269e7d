import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadHubConfig, parseHubConfig } from '../../src/config/load-config.js';

describe('hub config', () => {
  it('means "everything on sandboxes" when there is no file', () => {
    const { config, origin } = loadHubConfig(undefined);
    expect(origin).toBeNull();
    expect(config.sandboxes).toBe('all');
    expect(config.server.port).toBe(4000);
  });

  it('reads YAML, applies defaults, and defaults to no sandboxes when a file exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-config-'));
    const file = join(dir, 'hub.yaml');
    writeFileSync(file, 'server:\n  port: 4555\nsources: []\n');
    const { config } = loadHubConfig(file);
    expect(config.server.port).toBe(4555);
    expect(config.sandboxes).toBe('none');
  });

  it('names the key at fault in a bad file', () => {
    expect(() => parseHubConfig('server:\n  port: "high"\n', 'hub.yaml')).toThrow(/server\.port/);
    expect(() => parseHubConfig('sources:\n  - vendor: NOPE\n    baseUrl: https://x\n', 'hub.yaml')).toThrow(/sources\.0\.vendor/);
    expect(() => parseHubConfig('surprise: true\n', 'hub.yaml')).toThrow(ConfigError);
    expect(() => parseHubConfig('server: [unclosed\n', 'hub.yaml')).toThrow(/not valid YAML/);
  });

  it('says which file cannot be read', () => {
    expect(() => loadHubConfig('/nonexistent/hub.yaml')).toThrow(/HUB_CONFIG=\/nonexistent\/hub.yaml cannot be read: ENOENT/);
  });
});
