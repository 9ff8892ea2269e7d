import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { createHubClient, request, type HubClient, type LiveState } from './hub-client.js';
import { linkTo, usePath } from './router.js';
import { SessionContext, type Session } from './session.js';
import { SignIn } from './pages/sign-in.js';
import { Incidents } from './pages/incidents.js';
import { IncidentDetail } from './pages/incident-detail.js';
import { Jobs } from './pages/jobs.js';
import { Sources } from './pages/sources.js';
import { Events } from './pages/events.js';
import { ThreatIntel } from './pages/threat-intel.js';

const TOKEN_KEY = 'socgraph.token';

const NAV: Array<[string, string]> = [
  ['/', 'Incidents'], ['/threat-intel', 'Threat intel'], ['/jobs', 'Jobs'], ['/sources', 'Sources'], ['/events', 'Events'],
];

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => Boolean(sessionStorage.getItem(TOKEN_KEY)));

  const signIn = async (token: string): Promise<void> => {
    const client = createHubClient(token);
    try {
      const data = await request<{ viewer: Session['viewer'] }>(client, '{ viewer { name role } }');
      sessionStorage.setItem(TOKEN_KEY, token);
      setSession({ client, viewer: data.viewer, signOut: () => { client.dispose(); sessionStorage.removeItem(TOKEN_KEY); setSession(null); } });
    } catch (error) {
      client.dispose();
      throw error;
    }
  };

  useEffect(() => {
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) signIn(saved).catch(() => sessionStorage.removeItem(TOKEN_KEY)).finally(() => setRestoring(false));
  }, []);

  if (restoring) return <main className="centered"><p>Signing in…</p></main>;
  if (!session) return <SignIn onSignIn={signIn} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session} />
    </SessionContext.Provider>
  );
}

function Shell({ session }: { session: Session }) {
  const path = usePath();
  const live = useLiveState(session.client);
  const page = useMemo(() => route(path), [path]);
  return (
    <div className="shell">
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">socgraph</span>
        <nav aria-label="Sections">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}><a {...linkTo(href)} aria-current={isCurrent(path, href) ? 'page' : undefined}>{label}</a></li>
            ))}
            <li><a href="/graphql">Explorer</a></li>
          </ul>
        </nav>
        <span className={`live live-${live}`} role="status" aria-live="polite">{live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}</span>
        <span className="who">{session.viewer.name} ({session.viewer.role})</span>
        <button type="button" onClick={session.signOut}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </div>
  );
}

function isCurrent(path: string, href: string): boolean {
  return href === '/' ? path === '/' || path.startsWith('/incidents') : path.startsWith(href);
}

function route(path: string): ReactNode {
  const incident = /^\/incidents\/([^/]+)$/.exec(path);
  if (incident) return <IncidentDetail id={decodeURIComponent(incident[1])} />;
  switch (path) {
    case '/': case '/incidents': return <Incidents />;
    case '/threat-intel': return <ThreatIntel />;
    case '/jobs': return <Jobs />;
    case '/sources': return <Sources />;
    case '/events': return <Events />;
    default: return <section><h1>Not found</h1><p>No page at {path}.</p></section>;
  }
}

function useLiveState(client: HubClient): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => client.onLiveState(setState), [client]);
  return state;
}
