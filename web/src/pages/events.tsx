import { useEffect, useState } from 'react';
import { request } from '../hub-client.js';
import { SYNC_EVENT_FIELDS, useLiveEvents, type SyncEvent } from '../live-events.js';
import { useSession } from '../session.js';
import { when } from '../format.js';
import { useVendors } from '../vendors.js';

const KINDS = ['TICKET_IMPORTED', 'TICKET_UPDATED', 'TICKET_CLOSED', 'INCIDENT_CREATED', 'INCIDENT_UPDATED', 'INCIDENT_CLOSED', 'NOTE_ADDED',
  'ATTACHMENT_ADDED', 'INDICATORS_EXTRACTED', 'ENRICHED', 'STIX_PUBLISHED', 'JOURNAL_NOTE_ADDED', 'SYNC_FAILED', 'SYNC_WARNING',
  'SOURCE_HEALTH_CHANGED', 'SOURCE_UPDATED', 'JOB_COMPLETED', 'JOB_FAILED', 'JOB_PROGRESS'];
const KEEP = 300;

/** The durable event stream, live, with filters. */
export function Events() {
  const { client } = useSession();
  const { vendors, label } = useVendors(client);
  const [kind, setKind] = useState('');
  const [vendor, setVendor] = useState('');
  const [events, setEvents] = useState<SyncEvent[]>([]);
  const [after, setAfter] = useState<string | null | undefined>(undefined);
  const [paused, setPaused] = useState(false);
  const filter = { kinds: kind ? [kind] : undefined, vendor: vendor || undefined };

  useEffect(() => {
    setAfter(undefined);
    request<{ syncEvents: { nodes: SyncEvent[] } }>(client, `query($filter: SyncEventFilterInput) { syncEvents(first: 100, filter: $filter) { nodes { ${SYNC_EVENT_FIELDS} } } }`, { filter })
      .then((d) => {
        setEvents(d.syncEvents.nodes);
        setAfter(d.syncEvents.nodes[0]?.cursor ?? null);
      })
      .catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, kind, vendor]);

  useLiveEvents(client, paused ? undefined : after, filter, (event) => {
    setEvents((current) => [event, ...current].slice(0, KEEP));
  });

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter events">
        <label>Kind
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All</option>{KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </label>
        <label>Vendor
          <select value={vendor} onChange={(e) => setVendor(e.target.value)}>
            <option value="">All</option>{vendors.map((v) => <option key={v.id} value={v.id}>{v.displayName}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>{paused ? 'Resume' : 'Pause'}</button>
      </form>
      <div className="table-wrap">
        <table className="data">
          <thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">Vendor</th><th scope="col">Message</th></tr></thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}><td>{when(e.at)}</td><td>{e.kind}</td><td>{label(e.vendor)}</td><td>{e.message}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
