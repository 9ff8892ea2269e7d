import { createContext, useContext } from 'react';
import type { HubClient } from './hub-client.js';

export type Role = 'VIEWER' | 'OPERATOR' | 'ADMIN';

export interface Session {
  client: HubClient;
  viewer: { name: string; role: Role };
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 };

export function can(session: Session, role: Role): boolean {
  return RANK[session.viewer.role] >= RANK[role];
}
