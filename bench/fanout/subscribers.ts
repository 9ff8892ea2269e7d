import WebSocket from 'ws';

/**
 * One client process of `npm run bench -- fanout`: FANOUT_SOCKETS graphql-ws (graphql-transport-ws) subscribers
 * on bare `ws` sockets to FANOUT_URL, each subscribed to FANOUT_QUERY. The same code subscribes to the hub and to
 * the bare-ws floor. Per event it reads the cursor and `at` (latency = arrival − `at`, one clock: one machine).
 * Talks to the bench over IPC: 'ready' once every socket is subscribed; on 'stats' it answers its figures; 'reset'
 * forgets the deliveries counted so far (after the bench's warm-up).
 */
const url = process.env.FANOUT_URL!;
const sockets = Number(process.env.FANOUT_SOCKETS ?? 250);
const token = process.env.FANOUT_TOKEN ?? '';
const query = process.env.FANOUT_QUERY ?? '';

const MAX_MS = 120_000;
const latency = new Uint32Array(MAX_MS + 1);
let received = 0;
let repeatsOrDisorder = 0;
const closes: Record<string, number> = {};
const perSocket: number[] = [];
let closing = false;

function open(index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { skipUTF8Validation: true });
    let last = -1;
    perSocket[index] = 0;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const text = String(data);
      if (text.includes('"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        setTimeout(resolve, 50);
        return;
      }
      const now = Date.now();
      // Light on purpose (4 client processes share the machine with the server): the two fields, no JSON.parse.
      const event = text.startsWith('{"id"') && text.includes('"type":"next"') ? fieldsOf(text) : null;
      if (!event) return;
      const cursor = event.cursor;
      if (cursor <= last) repeatsOrDisorder++;
      else {
        last = cursor;
        perSocket[index]++;
        received++;
        latency[Math.min(MAX_MS, Math.max(0, now - Date.parse(event.at)))]++;
      }
    });
    socket.on('error', reject);
    socket.on('close', (code) => {
      if (!closing) closes[code] = (closes[code] ?? 0) + 1;
      reject(new Error(`closed ${code}`));
    });
  });
}

const BATCH = 25;
for (let i = 0; i < sockets; i += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, sockets - i) }, (_, j) => open(i + j)));
}
process.send!({ type: 'ready' });

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send!({ type: 'stats', cpuMs: (cpu.user + cpu.system) / 1000, received, repeatsOrDisorder, closes, perSocketMin: Math.min(...perSocket), latency: Array.from(compact()) });
  } else if (message.type === 'reset') {
    // The warm-up's deliveries are not counted; repeats, closes and each socket's last cursor carry on.
    latency.fill(0);
    received = 0;
    process.send!({ type: 'reset' });
  } else if (message.type === 'exit') {
    closing = true;
    process.exit(0);
  }
});

/** The latency histogram as [ms, count] pairs of its non-empty buckets. */
function* compact(): Generator<[number, number]> {
  for (let ms = 0; ms <= MAX_MS; ms++) if (latency[ms] > 0) yield [ms, latency[ms]];
}

/** `cursor` (as a number: cursors stay far below 2^53) and `at` of a next frame's syncEvents. */
function fieldsOf(text: string): { cursor: number; at: string } | null {
  const c = text.indexOf('"cursor":"');
  const a = text.indexOf('"at":"');
  if (c < 0 || a < 0) return null;
  return { cursor: Number(text.slice(c + 10, text.indexOf('"', c + 10))), at: text.slice(a + 6, text.indexOf('"', a + 6)) };
}
