import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { hubConfigSchema, type HubConfig } from './hub-config.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Formats a zod failure as `key.path: message` lines, so a bad file names the key at fault. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => `${prefix}${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('\n');
}

/** Parses config text (YAML is a superset of JSON). */
export function parseHubConfig(text: string, origin: string): HubConfig {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${origin}: not valid YAML/JSON: ${(error as Error).message}`);
  }
  const parsed = hubConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(`${origin} is invalid:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Reads HUB_CONFIG; no file means "everything on sandboxes", a file without `sandboxes` keeps a sandbox for every
 * vendor it does not configure. The PORT and HOST environment variables override `server.port` and `server.host`.
 */
export function loadHubConfig(path = process.env.HUB_CONFIG, env: NodeJS.ProcessEnv = process.env): { config: HubConfig; origin: string | null } {
  if (!path) {
    const config = hubConfigSchema.parse({});
    return { config: withListenEnv({ ...config, sandboxes: config.sandboxes ?? 'all' }, env), origin: null };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`HUB_CONFIG=${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const config = parseHubConfig(text, path);
  return { config: withListenEnv({ ...config, sandboxes: config.sandboxes ?? 'missing' }, env), origin: path };
}

/** `server.port` and `server.host` as the PORT and HOST environment variables set them, when they do. */
export function withListenEnv(config: HubConfig, env: NodeJS.ProcessEnv): HubConfig {
  const server = { ...config.server };
  const port = env.PORT?.trim();
  if (port) {
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new ConfigError(`PORT=${port}: not a port number (0-65535)`);
    server.port = Number(port);
  }
  const host = env.HOST?.trim();
  if (host) server.host = host;
  return { ...config, server };
}
