import { useEffect, useRef } from 'react';
import type { HubClient } from './hub-client.js';

export interface SyncEvent {
  id: string;
  cursor: string;
  at: string;
  kind: string;
  vendor: string | null;
  message: string;
  subjectId: string | null;
  details: Record<string, unknown>;
}

export const SYNC_EVENT_FIELDS = 'id cursor at kind vendor message subjectId details';

/**
 * Follows the durable event stream from `after` (a cursor read with the page's data). The subscription's
 * variables are one object that graphql-ws re-sends on every reconnection, and `after` is moved to each event's
 * cursor as it arrives: a dropped socket resumes exactly where it stopped, with no gap and no repeat.
 */
export function useLiveEvents(
  client: HubClient,
  after: string | null | undefined,
  filter: { kinds?: string[]; subjectId?: string; vendor?: string },
  onEvent: (event: SyncEvent) => void,
): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = JSON.stringify(filter);
  useEffect(() => {
    if (after === undefined) return;
    const variables: Record<string, unknown> = { after, filter };
    const unsubscribe = client.ws.subscribe<{ syncEvents: SyncEvent }>({
      query: `subscription($after: String, $filter: SyncEventFilterInput) {
        syncEvents(after: $after, filter: $filter) { ${SYNC_EVENT_FIELDS} } }`,
      variables,
    }, {
      next: (message) => {
        const event = message.data?.syncEvents;
        if (!event) return;
        variables.after = event.cursor;
        handler.current(event);
      },
      error: (error) => console.warn('live events stopped', error),
      complete: () => undefined,
    });
    return unsubscribe;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, after, key]);
}
