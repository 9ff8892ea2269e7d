import type { Role } from '../store/entities/api-token.entity.js';

export type { Role };
export const ROLES: Role[] = ['VIEWER', 'OPERATOR', 'ADMIN'];

/** Roles are ordered: each includes what the ones before it may do. */
export function roleAllows(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}
