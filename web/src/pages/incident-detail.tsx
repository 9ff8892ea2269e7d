import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { mutate, request } from '../hub-client.js';
import { SYNC_EVENT_FIELDS, useLiveEvents, type SyncEvent } from '../live-events.js';
import { linkTo } from '../router.js';
import { can, useSession } from '../session.js';
import { vendorLabel, when } from '../format.js';

interface Enrichment { provider: string; verdict: string; score: number | null; summary: string; link: string | null; fetchedAt: string }
interface Indicator { id: string; type: string; value: string; verdict: string; score: number | null; enrichments: Enrichment[] }
interface Detail {
  id: string; externalId: string; title: string; description: string | null; status: string; severity: string | null; phase: string | null;
  resolution: string | null; resolutionSummary: string | null; createdAt: string; updatedAt: string; closedAt: string | null; url: string | null;
  source: { name: string; vendor: string };
  tickets: Array<{ id: string; externalId: string; title: string; status: string; closeCodes: string[]; source: { vendor: string } }>;
  notes: { totalCount: number; nodes: Array<{ id: string; body: string; createdAt: string }> };
  attachments: Array<{ id: string; name: string; size: number | null; contentType: string | null }>;
  indicators: Indicator[];
}

const DETAIL = `query($id: ID!) {
  node(id: $id) { ... on Incident {
    id externalId title description status severity phase resolution resolutionSummary createdAt updatedAt closedAt url
    source { name vendor }
    tickets { id externalId title status closeCodes source { vendor } }
    notes(first: 50) { totalCount nodes { id body createdAt } }
    attachments { id name size contentType }
    indicators { id type value verdict score enrichments { provider verdict score summary link fetchedAt } }
  } }
  syncEvents(first: 50, filter: { subjectId: $id }) { nodes { ${SYNC_EVENT_FIELDS} } }
}`;

/** One incident: tickets, notes, attachments, indicators with verdicts and enrichments, and its live timeline. */
export function IncidentDetail({ id }: { id: string }) {
  const session = useSession();
  const { client } = session;
  const [incident, setIncident] = useState<Detail | null>(null);
  const [events, setEvents] = useState<SyncEvent[]>([]);
  const [after, setAfter] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (first: boolean) => {
    try {
      const data = await request<{ node: Detail | null; syncEvents: { nodes: SyncEvent[] } }>(client, DETAIL, { id });
      setIncident(data.node);
      if (first) {
        setEvents(data.syncEvents.nodes);
        setAfter(data.syncEvents.nodes[0]?.cursor ?? null);
      }
    } catch (e) {
      setError((e as Error).message);
    }
  }, [client, id]);

  useEffect(() => { void load(true); }, [load]);
  useLiveEvents(client, after, { subjectId: id }, (event) => {
    setEvents((current) => [event, ...current]);
    void load(false);
  });

  if (error) return <section><h1>Incident</h1><p role="alert" className="error">{error}</p></section>;
  if (!incident) return <section><h1>Incident</h1><p>Loading…</p></section>;
  return (
    <section aria-labelledby="incident-title" className="detail">
      <p><a {...linkTo('/')}>← Incidents</a></p>
      <h1 id="incident-title">{incident.title}</h1>
      <dl className="facts">
        <dt>Platform</dt><dd>{vendorLabel(incident.source.vendor)} ({incident.source.name})</dd>
        <dt>Id</dt><dd>{incident.url ? <a href={incident.url}>{incident.externalId}</a> : incident.externalId}</dd>
        <dt>Status</dt><dd><span className={`badge ${incident.status.toLowerCase()}`} data-testid="incident-status">{incident.status}</span></dd>
        <dt>Severity</dt><dd>{incident.severity ?? '—'}</dd>
        <dt>Updated</dt><dd>{when(incident.updatedAt)}</dd>
        {incident.closedAt && <><dt>Closed</dt><dd>{when(incident.closedAt)} — {incident.resolution} {incident.resolutionSummary}</dd></>}
      </dl>
      {incident.description && <p className="description">{plainText(incident.description)}</p>}
      <div className="columns">
        <div>
          {can(session, 'OPERATOR') && incident.status === 'OPEN' && <CloseForm incident={incident} onClosed={() => load(false)} />}
          {can(session, 'OPERATOR') && incident.indicators.length > 0 && <EnrichNow indicators={incident.indicators} onDone={() => load(false)} />}
          <h2>Tickets</h2>
          {incident.tickets.length === 0 ? <p>No linked ticket.</p> : (
            <ul>{incident.tickets.map((t) => <li key={t.id}>{vendorLabel(t.source.vendor)} {t.externalId}: {t.title} ({t.status})</li>)}</ul>
          )}
          <h2>Indicators</h2>
          {incident.indicators.length === 0 ? <p>None found.</p> : (
            <ul className="indicators">
              {incident.indicators.map((indicator) => (
                <li key={indicator.id}>
                  <code>{indicator.value}</code> <span className="muted">{indicator.type}</span>{' '}
                  <span className={`badge verdict-${indicator.verdict.toLowerCase()}`}>{indicator.verdict}</span>
                  {indicator.enrichments.length > 0 && (
                    <ul>{indicator.enrichments.map((e) => (
                      <li key={e.provider}>{vendorLabel(e.provider)}: {e.verdict}{e.score === null ? '' : ` (${e.score})`} — {e.summary}</li>
                    ))}</ul>
                  )}
                </li>
              ))}
            </ul>
          )}
          <h2>Attachments</h2>
          {incident.attachments.length === 0 ? <p>None.</p> : (
            <ul>{incident.attachments.map((a) => <li key={a.id}>{a.name}{a.size === null ? '' : ` (${a.size} bytes)`}</li>)}</ul>
          )}
          <h2>Notes ({incident.notes.totalCount})</h2>
          <ol className="notes">{incident.notes.nodes.map((n) => <li key={n.id}><time>{when(n.createdAt)}</time><pre>{n.body}</pre></li>)}</ol>
        </div>
        <div>
          <h2>Timeline</h2>
          <ol className="timeline" aria-live="polite">
            {events.map((e) => <li key={e.id}><time>{when(e.at)}</time> <strong>{e.kind}</strong> {e.message}</li>)}
          </ol>
        </div>
      </div>
    </section>
  );
}

function CloseForm({ incident, onClosed }: { incident: Detail; onClosed(): void }) {
  const { client } = useSession();
  const codes = [...new Set(incident.tickets.flatMap((t) => t.closeCodes))];
  const [closeCode, setCloseCode] = useState(codes[0] ?? '');
  const [summary, setSummary] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await mutate(client, `mutation($input: CloseIncidentInput!) { incidentClose(input: $input) { incident { id status } } }`,
        { input: { incidentId: incident.id, closeCode, resolutionSummary: summary } });
      setMessage({ error: false, text: 'Closed.' });
      onClosed();
    } catch (e) {
      setMessage({ error: true, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="close-title">
      <h2 id="close-title">Close</h2>
      <label htmlFor="close-code">Close code</label>
      {codes.length > 0 ? (
        <select id="close-code" value={closeCode} onChange={(e) => setCloseCode(e.target.value)}>
          {codes.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      ) : <input id="close-code" value={closeCode} onChange={(e) => setCloseCode(e.target.value)} required />}
      <label htmlFor="close-summary">Resolution summary</label>
      <textarea id="close-summary" value={summary} onChange={(e) => setSummary(e.target.value)} required rows={3} />
      {message && <p role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : 'ok'}>{message.text}</p>}
      <button type="submit" disabled={busy || !closeCode || !summary.trim()}>{busy ? 'Closing…' : 'Close incident'}</button>
    </form>
  );
}

function EnrichNow({ indicators, onDone }: { indicators: Indicator[]; onDone(): void }) {
  const { client } = useSession();
  const [status, setStatus] = useState<string | null>(null);
  const run = async () => {
    setStatus('Enriching…');
    try {
      const data = await mutate<{ enrichIndicators: { lookups: Array<{ status: string }> } }>(client,
        `mutation($input: EnrichIndicatorsInput!) { enrichIndicators(input: $input) { lookups { status } } }`,
        { input: { values: indicators.slice(0, 100).map((i) => i.value) } });
      const counts = data.enrichIndicators.lookups.reduce<Record<string, number>>((acc, l) => ({ ...acc, [l.status]: (acc[l.status] ?? 0) + 1 }), {});
      setStatus(Object.entries(counts).map(([k, v]) => `${v} ${k.toLowerCase()}`).join(', ') || 'Nothing to look up.');
      onDone();
    } catch (e) {
      setStatus((e as Error).message);
    }
  };
  return (
    <p><button type="button" onClick={run}>Enrich now</button> {status && <span role="status">{status}</span>}</p>
  );
}

/** Platforms store descriptions as HTML (Resilient's rich text): shown as its text, never rendered as markup. */
function plainText(html: string): string {
  return new DOMParser().parseFromString(html, 'text/html').body.textContent?.trim() ?? '';
}
