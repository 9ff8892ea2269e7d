import { useState, type FormEvent } from 'react';
import { hubPageConfig } from '../hub-config.js';

export function SignIn({ onSignIn }: { onSignIn(token: string): Promise<void> }) {
  const [token, setToken] = useState(hubPageConfig.developmentToken ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSignIn(token.trim());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={submit}>
        <h1>socgraph console</h1>
        <p>Sign in with an API token (<code>npm run token -- create --role OPERATOR --name me</code>, or the development
          token from the start-up log when the hub runs on sandboxes).</p>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} required />
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy || !token.trim()}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
