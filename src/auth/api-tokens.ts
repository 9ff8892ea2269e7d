import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { ApiTokenEntity } from '../store/entities/index.js';
import type { Role } from './roles.js';

const PREFIX = 'sgt_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** API tokens: random, shown once, stored as SHA-256 only. */
export class ApiTokens {
  constructor(private readonly dataSource: DataSource) {}

  async create(name: string, role: Role): Promise<{ token: string; record: ApiTokenEntity }> {
    const token = PREFIX + randomBytes(32).toString('base64url');
    const repo = this.dataSource.getRepository(ApiTokenEntity);
    const record = await repo.save(repo.create({ name, role, tokenHash: hashToken(token), prefix: token.slice(0, 10) }));
    return { token, record };
  }

  /** The token's record if it is valid and not revoked. */
  async verify(token: string): Promise<ApiTokenEntity | null> {
    if (!token.startsWith(PREFIX) || token.length > 200) return null;
    const repo = this.dataSource.getRepository(ApiTokenEntity);
    const record = await repo.findOne({ where: { tokenHash: hashToken(token), revokedAt: IsNull() } });
    if (record && (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > 60_000)) {
      // Touch at most once a minute: verification sits on every request.
      await repo.update(record.id, { lastUsedAt: new Date() });
    }
    return record;
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ApiTokenEntity).update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  async revokeByName(name: string): Promise<number> {
    const result = await this.dataSource.getRepository(ApiTokenEntity).update({ name, revokedAt: IsNull() }, { revokedAt: new Date() });
    return result.affected ?? 0;
  }

  async list(): Promise<ApiTokenEntity[]> {
    return this.dataSource.getRepository(ApiTokenEntity).find({ order: { createdAt: 'DESC' } });
  }
}
