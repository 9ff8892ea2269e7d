/** What the hub writes into the page it serves (see src/server/web-console.ts). */
export interface HubPageConfig {
  /** The development token: only in sandbox mode and only to a browser on loopback. */
  developmentToken?: string;
}

declare global {
  interface Window { __SOCGRAPH__?: HubPageConfig }
}

export const hubPageConfig: HubPageConfig = window.__SOCGRAPH__ ?? {};

export function graphqlWsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}
