import WebSocket from 'ws';

/** A graphql-transport-ws socket driven by hand: what a hostile or sloppy client can send, and the close it gets. */
export interface RawSocket {
  socket: WebSocket;
  messages: Array<{ type: string; id?: string; payload?: any }>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** Waits for a message of this type (and id). */
  next(type: string, id?: string, timeoutMs?: number): Promise<{ type: string; id?: string; payload?: any }>;
}

export async function openRawSocket(wsUrl: string): Promise<RawSocket> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const messages: RawSocket['messages'] = [];
  const listeners: Array<() => void> = [];
  socket.on('message', (data) => {
    try {
      messages.push(JSON.parse(String(data)));
    } catch {
      messages.push({ type: 'unparseable', payload: String(data) });
    }
    listeners.splice(0).forEach((l) => l());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      listeners.splice(0).forEach((l) => l());
    });
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('close', (code) => reject(new Error(`socket closed before it opened (${code})`)));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
  });
  return {
    socket,
    messages,
    closed,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async next(type, id, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => m.type === type && (id === undefined || m.id === id));
        if (found) return found;
        if (socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed before a ${type} message`);
        if (Date.now() > deadline) throw new Error(`no ${type} message within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          listeners.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
}

/** Opens a socket and completes connection_init with this token; returns once acknowledged. */
export async function openAuthenticatedSocket(wsUrl: string, token: string): Promise<RawSocket> {
  const raw = await openRawSocket(wsUrl);
  raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
  await raw.next('connection_ack');
  return raw;
}
