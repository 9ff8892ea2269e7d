import { Agent } from 'undici';
import type { RunningSandbox } from '../../src/sandbox/kit/index.js';

/** Sandboxes served over HTTPS have a self-signed certificate; the control API is reached without verifying it. */
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

/** Calls a sandbox's control API (`/__sandbox/...`) and returns its JSON (or null for 204). */
export async function control<T = any>(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandbox.origin}/__sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: insecure,
  } as RequestInit);
  if (!response.ok) throw new Error(`${method} /__sandbox${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? null : await response.json()) as T;
}
