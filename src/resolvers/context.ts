import type { Principal } from '../auth/authorize-operation.js';
import type { HubServices } from '../services/hub-services.js';
import { createLoaders, type Loaders } from './loaders.js';

/** Per-request GraphQL context: the caller, the hub, and request-scoped DataLoaders. */
export interface GraphContext {
  principal: Principal | null;
  hub: HubServices;
  loaders: Loaders;
}

export function createContext(hub: HubServices, principal: Principal | null): GraphContext {
  return { principal, hub, loaders: createLoaders(hub.dataSource) };
}
