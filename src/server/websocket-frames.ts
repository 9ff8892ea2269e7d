import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Server-to-client WebSocket text frames (RFC 6455 §5.2: FIN, opcode 1, unmasked) built once and written as
 * bytes, so a fan-out writes the same Buffer to many sockets instead of framing each message per socket.
 */
export function textFrames(head: Buffer, tails: Buffer[]): Buffer {
  let total = 0;
  for (const tail of tails) total += headerLength(head.length + tail.length) + head.length + tail.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const tail of tails) {
    const length = head.length + tail.length;
    out[at++] = 0x81;
    if (length < 126) {
      out[at++] = length;
    } else if (length < 65_536) {
      out[at++] = 126;
      out.writeUInt16BE(length, at);
      at += 2;
    } else {
      out[at++] = 127;
      out.writeBigUInt64BE(BigInt(length), at);
      at += 8;
    }
    at += head.copy(out, at);
    at += tail.copy(out, at);
  }
  return out;
}

function headerLength(payload: number): number {
  return payload < 126 ? 2 : payload < 65_536 ? 4 : 10;
}

interface WsInternals {
  _socket?: Socket;
  _sender?: { _state?: number; _queue?: unknown[] };
  readyState: number;
}

/**
 * The TCP socket under an open `ws` WebSocket when bytes written to it directly keep the stream intact: the
 * socket is open and ws's sender holds nothing back (no compression, nothing queued — ws writes every frame
 * synchronously then). Null otherwise: send through ws.
 */
export function rawWritable(socket: WebSocket): Socket | null {
  const ws = socket as unknown as WsInternals;
  const sender = ws._sender;
  if (ws.readyState !== 1 || !ws._socket || !sender || sender._state !== 0 || !Array.isArray(sender._queue) || sender._queue.length > 0) return null;
  if ((socket as unknown as { _extensions?: Record<string, unknown> })._extensions?.['permessage-deflate']) return null;
  return ws._socket;
}
