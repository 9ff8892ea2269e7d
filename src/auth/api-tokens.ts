import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { ApiTokenEntity } from '../store/entities/index.js';
import type { Role } from './roles.js';

const PREFIX = 'sgt_';
/** How long a verification is reused: a revocation from another process (or the CLI) bites within this. */
const VERIFIED_FOR_MS = 2_000;
const CACHE_ENTRIES = 10_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `30d`, `12h`, `45m`, `90s` → milliseconds; null if not a duration. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,6})\s*([smhd])$/i.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2]!.toLowerCase() as 's' | 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * unit;
  return ms > 0 ? ms : null;
}

/**
 * API tokens: random, shown once, stored as SHA-256 only; optionally expiring. Verification sits in front
 * of every request and every open subscription, so its answer is kept for a couple of seconds per token hash
 * (revoking in this process drops it at once).
 */
export class ApiTokens {
  private readonly verified = new Map<string, { record: ApiTokenEntity | null; at: number }>();
  /** Look-ups in flight by token hash: a thousand sockets re-checking one token share one query. */
  private readonly loading = new Map<string, Promise<ApiTokenEntity | null>>();
  /** Bumped by every revocation, so a look-up that started before it does not cache what it read. */
  private generation = 0;

  constructor(private readonly dataSource: DataSource) {}

  async create(name: string, role: Role, expiresAt: Date | null = null): Promise<{ token: string; record: ApiTokenEntity }> {
    const token = PREFIX + randomBytes(32).toString('base64url');
    const repo = this.dataSource.getRepository(ApiTokenEntity);
    const record = await repo.save(repo.create({ name, role, tokenHash: hashToken(token), prefix: token.slice(0, 10), expiresAt }));
    return { token, record };
  }

  /** The token's record if it is valid: known, not revoked, not expired. */
  async verify(token: string): Promise<ApiTokenEntity | null> {
    if (!token.startsWith(PREFIX) || token.length > 200) return null;
    const hash = hashToken(token);
    const now = Date.now();
    const cached = this.verified.get(hash);
    const record = cached && now - cached.at < VERIFIED_FOR_MS ? cached.record : await this.loadOnce(hash, now);
    if (!record || (record.expiresAt && record.expiresAt.getTime() <= now)) return null;
    return record;
  }

  private loadOnce(hash: string, now: number): Promise<ApiTokenEntity | null> {
    let loading = this.loading.get(hash);
    if (!loading) {
      loading = this.load(hash, now).finally(() => {
        if (this.loading.get(hash) === loading) this.loading.delete(hash);
      });
      this.loading.set(hash, loading);
    }
    return loading;
  }

  private async load(hash: string, now: number): Promise<ApiTokenEntity | null> {
    const generation = this.generation;
    const repo = this.dataSource.getRepository(ApiTokenEntity);
    const record = await repo.findOne({ where: { tokenHash: hash, revokedAt: IsNull() } });
    if (record && (!record.lastUsedAt || now - record.lastUsedAt.getTime() > 60_000)) {
      // Touch at most once a minute.
      record.lastUsedAt = new Date(now);
      await repo.update(record.id, { lastUsedAt: record.lastUsedAt });
    }
    if (generation !== this.generation) return record && (await this.loadOnce(hash, Date.now()));
    if (this.verified.size >= CACHE_ENTRIES) this.verified.clear();
    this.verified.set(hash, { record, at: now });
    return record;
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ApiTokenEntity).update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.forget();
    return (result.affected ?? 0) > 0;
  }

  async revokeByName(name: string): Promise<number> {
    const result = await this.dataSource.getRepository(ApiTokenEntity).update({ name, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.forget();
    return result.affected ?? 0;
  }

  /** Drops every cached and in-flight verification (after a revocation in this process). */
  private forget(): void {
    this.generation++;
    this.verified.clear();
    this.loading.clear();
  }

  async list(): Promise<ApiTokenEntity[]> {
    return this.dataSource.getRepository(ApiTokenEntity).find({ order: { createdAt: 'DESC' } });
  }
}
