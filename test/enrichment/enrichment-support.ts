import { randomBytes } from 'node:crypto';
import type { RunningSandbox } from '../../src/sandbox/kit/index.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

export const PROVIDERS = ['abuseipdb', 'hybrid-analysis', 'virustotal'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export function sandboxOf(hub: TestHub, name: ProviderName): RunningSandbox {
  return hub.sandboxes.get(name)!;
}

/** Calls the provider's sandbox received (through its control API), optionally only those after `since` (a seq). */
export async function callsTo(hub: TestHub, name: ProviderName, since = 0): Promise<Array<{ seq: number; at: string; path: string; status: number; query: Record<string, unknown> }>> {
  return (await control(sandboxOf(hub, name), 'GET', `/calls${since ? `?since=${since}` : ''}`)).calls;
}

export async function lastSeq(hub: TestHub, name: ProviderName): Promise<number> {
  const calls = await callsTo(hub, name);
  return calls.length ? calls[calls.length - 1].seq : 0;
}

/**
 * Sets a provider's budget on both sides: the sandbox's real quota model and the hub source's `quota` setting
 * (what the engine paces to), as an operator would configure the key's figures.
 */
export async function setQuota(hub: TestHub, name: ProviderName, quota: { perMinute?: number | null; perHour?: number | null; perDay?: number | null }): Promise<void> {
  await control(sandboxOf(hub, name), 'PUT', '/quota', quota);
  setSettings(hub, name, { quota: { perMinute: quota.perMinute ?? null, perHour: quota.perHour ?? null, perDay: quota.perDay ?? null } });
}

/** Changes a source's settings the way the config would (the engine reads them on every request). */
export function setSettings(hub: TestHub, name: ProviderName, settings: Record<string, unknown>): void {
  const source = hub.services.sources.get(name)!;
  source.config = { ...source.config, settings: { ...source.config.settings, ...settings } };
}

/** A hub on every sandbox with generous provider budgets: for tests about the cache, routing and failures, not pacing. */
export async function startGenerousHub(): Promise<TestHub> {
  const hub = await startTestHub({ config: { sandboxes: 'all' } });
  await setQuota(hub, 'virustotal', { perMinute: 1000, perDay: 100_000 });
  await setQuota(hub, 'abuseipdb', { perDay: 100_000 });
  await setQuota(hub, 'hybrid-analysis', { perMinute: 1000, perHour: 100_000 });
  return hub;
}

export function randomPublicIp(): string {
  const b = randomBytes(3);
  // 45.0.0.0/8 and 185.0.0.0/8 are ordinary public space.
  return `${b[0] % 2 ? 45 : 185}.${b[0]}.${b[1]}.${1 + (b[2] % 250)}`;
}

export function randomSha256(): string {
  return randomBytes(32).toString('hex');
}

export function randomMd5(): string {
  return randomBytes(16).toString('hex');
}
