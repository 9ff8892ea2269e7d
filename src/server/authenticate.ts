import type { ApiTokens } from '../auth/api-tokens.js';
import type { Principal } from '../auth/authorize-operation.js';

/** Reads `Bearer <token>` (HTTP header or graphql-ws connectionParams.authorization) into a principal. */
export async function principalFrom(authorization: unknown, tokens: ApiTokens): Promise<Principal | null> {
  if (typeof authorization !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) return null;
  const record = await tokens.verify(match[1]);
  return record ? { tokenId: record.id, name: record.name, role: record.role } : null;
}
