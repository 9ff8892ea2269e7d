import { once } from 'node:events';
import type { Socket } from 'node:net';
import WebSocket from 'ws';

/** A graphql-ws (graphql-transport-ws) subscriber on a bare `ws` socket that keeps every frame as received. */
export interface RawSubscriber {
  socket: WebSocket;
  /** Raw text of every `next` frame, in order. */
  frames: string[];
  closed: Promise<{ code: number; reason: string }>;
  waitFor(count: number, timeoutMs?: number): Promise<string[]>;
  /** Stops reading from the TCP socket (the hub's writes pile up), or reads again. */
  pause(): void;
  resume(): void;
  close(): void;
}

export async function rawSubscribe(wsUrl: string, token: string, query: string, variables: Record<string, unknown> = {}, id = '1'): Promise<RawSubscriber> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const frames: string[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  socket.on('error', () => undefined);
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await new Promise<void>((resolve, reject) => {
    socket.once('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve() : reject(new Error(String(data)))));
    socket.once('close', (code) => reject(new Error(`closed ${code} before connection_ack`)));
  });
  socket.on('message', (data) => {
    const text = String(data);
    if (text.includes('"type":"next"')) frames.push(text);
  });
  socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  const tcp = (socket as unknown as { _socket: Socket })._socket;
  return {
    socket,
    frames,
    closed,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (frames.length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} frames (got ${frames.length})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return frames;
    },
    pause: () => tcp.pause(),
    resume: () => tcp.resume(),
    close: () => socket.close(),
  };
}

/** The payload of a `next` frame, as the hub serialized it (the id is the only per-socket part). */
export function payloadOf(frame: string): string {
  return frame.replace(/^\{"id":"[^"]*",/, '{');
}
