import type { DataSource } from 'typeorm';
import type { Vendor } from '../domain/vendor.js';
import { QuotaScheduler } from '../enrichment/quota-scheduler.js';
import { quotaWindows } from '../enrichment/quota-windows.js';
import { childLogger } from '../observability/logger.js';
import { SourceHealthTracker, type SourceHealthState } from '../sources/health/source-health.js';
import { manifestFor } from '../sources/index.js';
import type { VendorManifest } from '../sources/manifest.js';
import type { CapabilityName, CapabilityPorts } from '../sources/ports.js';
import type { SourceConfig } from '../sources/source-config.js';
import { SourceEntity } from '../store/entities/index.js';
import { sourceCallGate } from './source-call-gate.js';
import type { SourcePauses } from './source-pauses.js';
import { sourceRateLimiter } from './source-rate-limiter.js';

export interface RegisteredSource {
  config: SourceConfig;
  entity: SourceEntity;
}

/**
 * The hub's configured sources at run time: their rows (the graph's `Source`), their vendor clients
 * (built once, lazily) and their health. Config is the truth for connection settings; `enabled` and
 * the poll interval may be changed by an ADMIN and are kept in the database.
 */
export class SourceRegistry {
  readonly health: SourceHealthTracker;
  private readonly byName = new Map<string, RegisteredSource>();
  private readonly clients = new Map<string, unknown>();
  private readonly ports = new Map<string, unknown>();
  /** Keeps the sources' configured `rateLimit`s, shared by every replica; made when a source first needs it. */
  private rateLimits?: QuotaScheduler;
  private readonly log = childLogger({ component: 'sources' });

  constructor(
    private readonly dataSource: DataSource,
    /** Told when a source's health status changes (HEALTHY -> DEGRADED -> DOWN and back). */
    private readonly onStatusChange?: (source: RegisteredSource, state: SourceHealthState, previous: SourceHealthState) => void,
    /** The sources' 429 pauses, shared by every replica: each call waits out its source's. */
    private readonly pauses?: SourcePauses,
  ) {
    this.health = new SourceHealthTracker((name, state, previous) => {
      void this.persistHealth(name, state);
      const source = this.byName.get(name);
      if (source && state.status !== previous.status) this.onStatusChange?.(source, state, previous);
    });
  }

  /** Upserts every configured source by name and loads its stored health. */
  async register(configs: SourceConfig[]): Promise<void> {
    const repo = this.dataSource.getRepository(SourceEntity);
    for (const config of configs) {
      const existing = await repo.findOne({ where: { name: config.name } });
      const entity = existing ?? repo.create({ name: config.name, enabled: config.enabled, pollIntervalSeconds: config.pollIntervalSeconds });
      Object.assign(entity, { vendor: config.vendor, baseUrl: config.baseUrl, sandbox: config.sandbox });
      if (!existing || existing.sandbox) {
        // Sandbox sources follow the config at every start; real ones keep an ADMIN's changes.
        Object.assign(entity, { enabled: config.enabled, pollIntervalSeconds: config.pollIntervalSeconds });
      }
      const saved = await repo.save(entity);
      this.health.load(saved.name, {
        status: saved.healthStatus, lastSuccessAt: saved.lastSuccessAt, lastErrorAt: saved.lastErrorAt,
        lastError: saved.lastError, consecutiveFailures: saved.consecutiveFailures,
      });
      this.byName.set(config.name, { config: { ...config, enabled: saved.enabled, pollIntervalSeconds: saved.pollIntervalSeconds }, entity: saved });
    }
  }

  /** Reads back what an ADMIN may have changed on another replica (`enabled`, the poll interval). */
  async reload(): Promise<void> {
    const rows = await this.dataSource.getRepository(SourceEntity).find();
    for (const row of rows) {
      const source = this.byName.get(row.name);
      if (!source) continue;
      source.entity = Object.assign(source.entity, { enabled: row.enabled, pollIntervalSeconds: row.pollIntervalSeconds });
      source.config = { ...source.config, enabled: row.enabled, pollIntervalSeconds: row.pollIntervalSeconds };
    }
  }

  list(): RegisteredSource[] {
    return [...this.byName.values()];
  }

  get(name: string): RegisteredSource | undefined {
    return this.byName.get(name);
  }

  byId(id: string): RegisteredSource | undefined {
    for (const source of this.byName.values()) if (source.entity.id === id) return source;
    return undefined;
  }

  ofVendor(vendor: Vendor): RegisteredSource[] {
    return this.list().filter((s) => s.config.vendor === vendor);
  }

  /** The shortest poll interval of the enabled sources of these vendors; 0 when none polls. */
  pollInterval(vendors: readonly Vendor[]): number {
    const intervals = this.list()
      .filter((s) => vendors.includes(s.config.vendor) && s.config.enabled)
      .map((s) => s.config.pollIntervalSeconds)
      .filter((n) => n > 0);
    return intervals.length ? Math.min(...intervals) : 0;
  }

  /**
   * The enabled source of `vendor` that `owner` works with: the one its setting `settingKey` names (`wanted`), else
   * the only enabled one. Throws a message naming the setting when there is none, or several and none named.
   */
  partnerOf(owner: RegisteredSource, vendor: Vendor, wanted: string | null | undefined, settingKey: string): RegisteredSource {
    const candidates = this.ofVendor(vendor).filter((s) => s.config.enabled);
    const partner = wanted ? candidates.find((s) => s.config.name === wanted) : candidates.length === 1 ? candidates[0] : undefined;
    if (partner) return partner;
    throw new Error(wanted
      ? `source ${owner.config.name}: ${settingKey} '${wanted}' is not an enabled ${vendor} source`
      : `source ${owner.config.name}: ${candidates.length} enabled ${vendor} sources; name one in ${settingKey}`);
  }

  /**
   * The vendor client of a source, built on first use, typed by the vendor's manifest. Refuses a source of another
   * vendor, so the type is checked rather than asserted.
   */
  client<Client>(name: string, manifest: VendorManifest<Client>): Client {
    const source = this.byName.get(name);
    if (!source) throw new Error(`no source named ${name}`);
    if (source.config.vendor !== manifest.vendor) throw new Error(`source ${name} is a ${source.config.vendor} source, not ${manifest.vendor}`);
    // Built by this same manifest (the vendor matches), so the cached client is a Client.
    return this.clientOf(source, manifest) as Client;
  }

  /**
   * The port of a capability a source's vendor declares (`tickets`, `incidents`, `threatIntel`, `enrich`), or
   * undefined when its vendor does not offer it: services pick a handler by what a vendor can do, not by its name.
   */
  port<C extends CapabilityName>(name: string, capability: C): CapabilityPorts[C] | undefined {
    const source = this.byName.get(name);
    if (!source) throw new Error(`no source named ${name}`);
    const key = `${name}\u0000${capability}`;
    if (this.ports.has(key)) return this.ports.get(key) as CapabilityPorts[C] | undefined;
    const manifest = manifestFor(source.config.vendor);
    const declare = manifest?.capabilities[capability] as ((client: unknown, config: SourceConfig) => CapabilityPorts[C]) | undefined;
    const port = manifest && declare ? declare.call(manifest.capabilities, this.clientOf(source, manifest), source.config) : undefined;
    this.ports.set(key, port);
    return port;
  }

  private clientOf(source: RegisteredSource, manifest: VendorManifest<unknown>): unknown {
    const name = source.config.name;
    let client = this.clients.get(name);
    if (!client) {
      const rateLimit = this.rateLimiter(source.config);
      const limiter = this.pauses ? sourceCallGate(this.pauses, source.config, rateLimit) : rateLimit;
      client = manifest.createClient(source.config, { health: this.health, limiter });
      this.clients.set(name, client);
    }
    return client;
  }

  private rateLimiter(source: SourceConfig) {
    if (!source.rateLimit?.perMinute && !source.rateLimit?.perDay) return undefined;
    this.rateLimits ??= new QuotaScheduler(this.dataSource, { windows: quotaWindows() });
    return sourceRateLimiter(this.rateLimits, source);
  }

  healthOf(name: string): SourceHealthState {
    return this.health.get(name);
  }

  async update(name: string, change: { enabled?: boolean; pollIntervalSeconds?: number }): Promise<RegisteredSource> {
    const source = this.byName.get(name);
    if (!source) throw new Error(`no source named ${name}`);
    if (Object.keys(change).length > 0) {
      // One UPDATE … RETURNING (no load-compare-save transaction): the API's writes stay one round trip.
      const result = await this.dataSource.getRepository(SourceEntity).createQueryBuilder()
        .update(SourceEntity).set(change).where('name = :name', { name }).returning('updated_at').execute();
      const row = (result.raw as Array<{ updated_at: Date }>)[0];
      if (!row) throw new Error(`no source named ${name} in the database`);
      source.entity = Object.assign(source.entity, change, { updatedAt: row.updated_at });
    }
    source.config = { ...source.config, ...change };
    return source;
  }

  private async persistHealth(name: string, state: SourceHealthState): Promise<void> {
    try {
      await this.dataSource.getRepository(SourceEntity).update({ name }, {
        healthStatus: state.status, lastSuccessAt: state.lastSuccessAt, lastErrorAt: state.lastErrorAt,
        lastError: state.lastError, consecutiveFailures: state.consecutiveFailures,
      });
    } catch (error) {
      if (this.dataSource.isInitialized) this.log.warn({ err: error, source: name }, 'could not persist source health');
    }
  }
}
