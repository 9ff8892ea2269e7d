import { vendorSlug, type Vendor } from '../domain/vendor.js';
import { manifestFor, registeredVendors } from '../sources/index.js';
import type { SourceConfig } from '../sources/source-config.js';
import type { HubConfig } from './hub-config.js';
import { ConfigError, describeIssues } from './load-config.js';
import { sourceSettingsSchema } from './source-settings.js';
import { unknownKeys } from './unknown-keys.js';

/** A sandbox the hub must start, and the source that will point at it once it listens. */
export interface SandboxSourcePlan {
  vendor: Vendor;
  name: string;
}

/**
 * Turns the config's sources into resolved SourceConfigs: credentials read from the env variables
 * named, vendor settings validated by the vendor's manifest. Any problem names the config key.
 */
export function resolveConfiguredSources(config: HubConfig, env: NodeJS.ProcessEnv = process.env): SourceConfig[] {
  const names = new Set<string>();
  const problems: string[] = [];
  const resolved: SourceConfig[] = [];
  config.sources.forEach((source, index) => {
    const key = `sources.${index}`;
    const manifest = manifestFor(source.vendor);
    if (!manifest) {
      problems.push(`${key}.vendor: ${source.vendor} has no adapter registered yet`);
      return;
    }
    const name = source.name ?? vendorSlug(source.vendor);
    if (names.has(name)) problems.push(`${key}.name: '${name}' is used by another source`);
    names.add(name);
    const credentials: Record<string, string> = {};
    for (const credential of manifest.credentialKeys) {
      const variable = source.credentials[credential];
      if (!variable) {
        problems.push(`${key}.credentials.${credential}: required for ${source.vendor} (name the env variable holding it)`);
        continue;
      }
      const value = env[variable];
      if (!value) problems.push(`${key}.credentials.${credential}: environment variable ${variable} is not set`);
      else credentials[credential] = value;
    }
    for (const extra of Object.keys(source.credentials)) {
      if (!manifest.credentialKeys.includes(extra)) problems.push(`${key}.credentials.${extra}: unknown for ${source.vendor} (expected ${manifest.credentialKeys.join(', ')})`);
    }
    const settingsSchema = sourceSettingsSchema(source.vendor);
    const settings = settingsSchema.safeParse(source.settings);
    if (!settings.success) problems.push(describeIssues(settings.error, `${key}.settings.`));
    problems.push(...unknownKeys(settingsSchema, source.settings, `${key}.settings`));
    resolved.push({
      name,
      vendor: source.vendor,
      baseUrl: source.baseUrl.replace(/\/+$/, ''),
      enabled: source.enabled,
      sandbox: false,
      tlsVerify: source.tlsVerify,
      caFile: source.caFile,
      pollIntervalSeconds: source.pollIntervalSeconds ?? manifest.defaultPollIntervalSeconds,
      timeoutMs: source.timeoutMs,
      credentials,
      settings: settings.success ? settings.data : {},
      rateLimit: source.rateLimit,
    });
  });
  if (problems.length > 0) throw new ConfigError(`config is invalid:\n${problems.join('\n')}`);
  return resolved;
}

/** Which vendors get a sandbox source, by the `sandboxes` mode. */
export function plannedSandboxes(config: HubConfig, configured: SourceConfig[]): SandboxSourcePlan[] {
  const mode = config.sandboxes ?? 'none';
  if (mode === 'none') return [];
  const taken = new Set(configured.map((s) => s.vendor));
  return registeredVendors()
    .filter((vendor) => mode === 'all' || !taken.has(vendor))
    .map((vendor) => ({ vendor, name: mode === 'all' || !configured.some((s) => s.name === vendorSlug(vendor)) ? vendorSlug(vendor) : `${vendorSlug(vendor)}-sandbox` }));
}
