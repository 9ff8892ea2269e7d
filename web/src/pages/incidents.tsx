import { useCallback, useEffect, useRef, useState } from 'react';
import { request } from '../hub-client.js';
import { useLiveEvents } from '../live-events.js';
import { linkTo } from '../router.js';
import { useSession } from '../session.js';
import { when } from '../format.js';
import { useVendors } from '../vendors.js';

export interface IncidentRow {
  id: string;
  externalId: string;
  title: string;
  status: 'OPEN' | 'CLOSED';
  severity: string | null;
  updatedAt: string;
  source: { name: string; vendor: string };
}

const INCIDENT_FIELDS = 'id externalId title status severity updatedAt source { name vendor }';
const PAGE = 100;
/** Rows kept on the page: the newest; the count above the table stays exact. */
const MAX_ROWS = 500;

interface Filter { vendor: string; status: string; severity: string; search: string }

function matches(row: IncidentRow, filter: Filter): boolean {
  if (filter.vendor && row.source.vendor !== filter.vendor) return false;
  if (filter.status && row.status !== filter.status) return false;
  if (filter.severity && (row.severity ?? '').toLowerCase() !== filter.severity.toLowerCase()) return false;
  if (filter.search && !row.title.toLowerCase().includes(filter.search.toLowerCase())) return false;
  return true;
}

/** Incidents across platforms; created and changed ones arrive live (events after the page's cursor). */
export function Incidents() {
  const { client } = useSession();
  const { vendors, label } = useVendors(client);
  // The platforms incidents come from: the vendors with the INCIDENTS capability.
  const platforms = vendors.filter((v) => v.capabilities.includes('INCIDENTS'));
  const [filter, setFilter] = useState<Filter>({ vendor: '', status: '', severity: '', search: '' });
  const [rows, setRows] = useState<IncidentRow[]>([]);
  const [total, setTotal] = useState(0);
  const [after, setAfter] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const pending = useRef(new Set<string>());
  const timer = useRef<number | undefined>(undefined);
  const filterRef = useRef(filter);
  filterRef.current = filter;

  useEffect(() => {
    let cancelled = false;
    const input = {
      vendor: filter.vendor || undefined,
      statuses: filter.status ? [filter.status] : undefined,
      severities: filter.severity ? [filter.severity] : undefined,
      search: filter.search || undefined,
    };
    setAfter(undefined);
    // The newest event's cursor is read with the list: live updates start exactly after what the list shows.
    request<{ incidents: { totalCount: number; nodes: IncidentRow[] }; syncEvents: { nodes: Array<{ cursor: string }> } }>(client,
      `query($filter: IncidentFilter, $first: Int) { syncEvents(first: 1) { nodes { cursor } }
        incidents(first: $first, filter: $filter) { totalCount nodes { ${INCIDENT_FIELDS} } } }`, { filter: input, first: PAGE })
      .then((data) => {
        if (cancelled) return;
        setRows(data.incidents.nodes);
        setTotal(data.incidents.totalCount);
        setAfter(data.syncEvents.nodes[0]?.cursor ?? null);
        setError(null);
      })
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => { cancelled = true; };
  }, [client, filter]);

  const flush = useCallback(async () => {
    timer.current = undefined;
    const ids = [...pending.current];
    pending.current.clear();
    if (ids.length === 0) return;
    const data = await request<{ nodes: Array<IncidentRow | null> }>(client,
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Incident { ${INCIDENT_FIELDS} } } }`, { ids }).catch(() => null);
    if (!data) return;
    const fresh = data.nodes.filter((n): n is IncidentRow => Boolean(n?.id));
    setRows((current) => {
      const byId = new Map(current.map((r) => [r.id, r]));
      let added = 0;
      for (const row of fresh) {
        const known = byId.has(row.id);
        if (matches(row, filterRef.current)) {
          if (!known) added += 1;
          byId.set(row.id, row);
        } else if (known) {
          byId.delete(row.id);
          added -= 1;
        }
      }
      if (added) setTotal((t) => t + added);
      return [...byId.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, MAX_ROWS);
    });
  }, [client]);

  // Events arrive one by one (up to hundreds a second in a backfill): their incidents are read in batches.
  useLiveEvents(client, after, { kinds: ['INCIDENT_CREATED', 'INCIDENT_UPDATED', 'INCIDENT_CLOSED'] }, (event) => {
    if (!event.subjectId) return;
    pending.current.add(event.subjectId);
    if (timer.current === undefined) timer.current = window.setTimeout(flush, 250);
  });

  return (
    <section aria-labelledby="incidents-title">
      <h1 id="incidents-title">Incidents</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter incidents">
        <label>Platform
          <select value={filter.vendor} onChange={(e) => setFilter({ ...filter, vendor: e.target.value })}>
            <option value="">All</option>
            {platforms.map((v) => <option key={v.id} value={v.id}>{v.displayName}</option>)}
          </select>
        </label>
        <label>Status
          <select value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value })}>
            <option value="">All</option><option value="OPEN">Open</option><option value="CLOSED">Closed</option>
          </select>
        </label>
        <label>Severity
          <select value={filter.severity} onChange={(e) => setFilter({ ...filter, severity: e.target.value })}>
            <option value="">All</option>
            {['Low', 'Medium', 'High', 'Critical'].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Search
          <input type="search" value={filter.search} placeholder="title contains…" onChange={(e) => setFilter({ ...filter, search: e.target.value })} />
        </label>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      <p className="count" aria-live="polite"><span data-testid="incident-total">{total}</span> incidents{rows.length < total ? ` (newest ${rows.length} shown)` : ''}</p>
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Incidents, most recently updated first</caption>
          <thead><tr><th scope="col">Title</th><th scope="col">Platform</th><th scope="col">Id</th><th scope="col">Status</th><th scope="col">Severity</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-incident-id={row.id} data-external-id={row.externalId}>
                <td><a {...linkTo(`/incidents/${encodeURIComponent(row.id)}`)}>{row.title}</a></td>
                <td>{label(row.source.vendor)}</td>
                <td>{row.externalId}</td>
                <td><span className={`badge ${row.status.toLowerCase()}`}>{row.status}</span></td>
                <td>{row.severity ?? '—'}</td>
                <td>{when(row.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
