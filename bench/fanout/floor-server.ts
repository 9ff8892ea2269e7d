import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The fan-out bench's floor: a bare `ws` server that speaks just enough graphql-transport-ws (ack, remember the
 * subscription id) and, when told over IPC, makes events at the bench's rate and sends each, serialized once,
 * to every subscriber — no database, no GraphQL. Prints `listening ws://…`.
 */
const subscribers = new Map<WebSocket, string>();
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('connection', (socket) => {
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: string };
    if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    else if (message.type === 'subscribe') subscribers.set(socket, `{"id":${JSON.stringify(message.id)},"type":"next","payload":`);
  });
  socket.on('close', () => subscribers.delete(socket));
  socket.on('error', () => undefined);
});
server.on('listening', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`listening ws://127.0.0.1:${address.port}/graphql\n`);
});

let cursor = 1_000_000;
process.on('message', (message: { type: string; rate: number; seconds: number }) => {
  if (message.type === 'cpu') {
    const cpu = process.cpuUsage();
    process.send!({ type: 'cpu', ms: (cpu.user + cpu.system) / 1000 });
  }
  if (message.type !== 'publish') return;
  const started = Date.now();
  let sent = 0;
  const total = Math.round(message.rate * message.seconds);
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * message.rate));
    const tails: string[] = [];
    for (; sent < due; sent++) {
      cursor++;
      const event = {
        cursor: String(cursor), kind: 'SOURCE_UPDATED', at: new Date().toISOString(), vendor: 'ABUSEIPDB', subjectId: 'U291cmNlOmJlbmNo',
        message: `source bench updated by fanout-bench: pollIntervalSeconds 3600 → ${3600 + (cursor % 2)}`,
      };
      tails.push(`${JSON.stringify({ data: { syncEvents: event } })}}`);
    }
    // The events of one tick leave in one write per socket, as the hub batches them.
    if (tails.length > 0) {
      for (const [socket, head] of subscribers) {
        const tcp = (socket as unknown as { _socket: Socket })._socket;
        tcp.cork();
        for (const tail of tails) socket.send(head + tail);
        tcp.uncork();
      }
    }
    if (sent >= total) {
      clearInterval(timer);
      process.send!({ type: 'published', count: sent });
    }
  }, 20);
});
