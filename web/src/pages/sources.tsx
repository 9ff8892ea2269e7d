import { useCallback, useEffect, useState } from 'react';
import { mutate, request } from '../hub-client.js';
import { can, useSession } from '../session.js';
import { vendorLabel, when } from '../format.js';

interface Source {
  id: string; name: string; vendor: string; enabled: boolean; pollIntervalSeconds: number; sandbox: boolean; baseUrl: string;
  health: { status: string; consecutiveFailures: number; lastError: string | null; lastErrorAt: string | null; lastSuccessAt: string | null };
  quota: Array<{ kind: string; window: string; limit: number; used: number; blockedUntil: string | null }>;
}

/** Every configured vendor connection: health, and (ADMIN) on/off and poll interval. */
export function Sources() {
  const session = useSession();
  const { client } = session;
  const [sources, setSources] = useState<Source[]>([]);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const load = useCallback(() => request<{ sources: Source[] }>(client,
    '{ sources { id name vendor enabled pollIntervalSeconds sandbox baseUrl health { status consecutiveFailures lastError lastErrorAt lastSuccessAt } quota { kind window limit used blockedUntil } } }')
    .then((d) => setSources(d.sources)).catch((e: Error) => setMessage({ error: true, text: e.message })), [client]);
  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), 10_000);
    return () => window.clearInterval(timer);
  }, [load]);

  const update = async (source: Source, change: { enabled?: boolean; pollIntervalSeconds?: number }) => {
    try {
      await mutate(client, 'mutation($input: UpdateSourceInput!) { sourceUpdate(input: $input) { source { id } } }', { input: { sourceId: source.id, ...change } });
      setMessage({ error: false, text: `${source.name} updated.` });
      await load();
    } catch (e) {
      setMessage({ error: true, text: (e as Error).message });
    }
  };
  const admin = can(session, 'ADMIN');
  return (
    <section aria-labelledby="sources-title">
      <h1 id="sources-title">Sources</h1>
      {message && <p role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : 'ok'}>{message.text}</p>}
      <div className="table-wrap">
        <table className="data">
          <thead><tr><th scope="col">Name</th><th scope="col">Vendor</th><th scope="col">Health</th><th scope="col">Last success</th><th scope="col">Last error</th><th scope="col">Quota use</th><th scope="col">Enabled</th><th scope="col">Poll every (s)</th></tr></thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.id}>
                <td>{s.name}{s.sandbox && <span className="muted"> (sandbox)</span>}</td>
                <td>{vendorLabel(s.vendor)}</td>
                <td><span className={`badge health-${s.health.status.toLowerCase()}`}>{s.health.status}</span></td>
                <td>{when(s.health.lastSuccessAt)}</td>
                <td>{s.health.lastError ? `${when(s.health.lastErrorAt)}: ${s.health.lastError}` : '—'}</td>
                <td>{s.quota.length === 0 ? '—' : (
                  <ul className="quota">{s.quota.map((q) => (
                    <li key={`${q.kind}-${q.window}`}>{q.window.toLowerCase()}{q.kind === 'RATE_LIMIT' ? ' (rate limit)' : ''}: {q.used} of {q.limit}
                      {q.blockedUntil && <> · blocked until {when(q.blockedUntil)}</>}</li>
                  ))}</ul>
                )}</td>
                <td>{admin
                  ? <input type="checkbox" checked={s.enabled} aria-label={`${s.name} enabled`} onChange={(e) => update(s, { enabled: e.target.checked })} />
                  : s.enabled ? 'yes' : 'no'}</td>
                <td>{admin ? <IntervalEditor source={s} onSave={(v) => update(s, { pollIntervalSeconds: v })} /> : s.pollIntervalSeconds}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function IntervalEditor({ source, onSave }: { source: Source; onSave(value: number): void }) {
  const [value, setValue] = useState(String(source.pollIntervalSeconds));
  return (
    <form className="inline" onSubmit={(e) => { e.preventDefault(); onSave(Number(value)); }}>
      <input type="number" min={0} value={value} onChange={(e) => setValue(e.target.value)} aria-label={`${source.name} poll interval in seconds`} />
      <button type="submit">Save</button>
    </form>
  );
}
