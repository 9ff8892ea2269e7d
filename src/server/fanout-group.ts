import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { WebSocket } from 'ws';
import { matches, type SyncEventFilter } from '../events/event-log.js';
import type { EventTailer } from '../events/event-tailer.js';
import { eventsDelivered, slowSubscribersClosed, subscriptionExecutions } from '../observability/metrics.js';
import type { SyncEventEntity } from '../store/entities/index.js';
import { rawWritable, textFrames } from './websocket-frames.js';

/**
 * Close code for a subscriber too far behind (its socket holds more unsent bytes than the hub allows, or it
 * could not take its replay): reason `too slow: resume with after=<cursor>` — resubscribing with that cursor as
 * `after` loses nothing. (graphql-ws keeps 4400–4499 and 4500/4504 for itself.)
 */
export const WS_TOO_SLOW = 4508;

/** Events one group may hold before it has fanned them out; beyond it, the hub itself is behind. */
const MAX_GROUP_QUEUE = 10_000;
/** Live events a subscriber still replaying stored ones may have waiting. */
const MAX_PENDING = 10_000;
/** How many events (and bytes of payload) a group sends at once at most (its window is GroupOptions.batchMs). */
const MAX_BATCH = 1_000;
const MAX_BATCH_BYTES = 64 * 1024;
/** Frames kept per group by cursor, so subscribers replaying the same events share one execution. */
const FRAME_CACHE = 1_000;
/** Stored events read per query while replaying. */
const REPLAY_PAGE = 500;
/** A replaying subscriber whose socket stays full this long is closed as too slow. */
const REPLAY_ROOM_WAIT_MS = 10_000;
/**
 * The fan-out gives the event loop back at least this often (ms), so HTTP, jobs and pings keep running: a call
 * crossing the loop several times waits up to a slice at each crossing (8 ms slices: publish p50 45–52 ms beside
 * the bench's fan-out; 2 ms: 18–19 ms).
 */
const SLICE_MS = 2;

let sliceStart = performance.now();
/** A promise to await when the current slice of work is used up (then the loop gets a turn), else nothing. */
export function yieldIfDue(): Promise<void> | undefined {
  if (performance.now() - sliceStart < SLICE_MS) return undefined;
  return nextTurn().then(() => {
    sliceStart = performance.now();
  });
}

/** One event's frame: its cursor and the payload's serialized text with the closing brace (`<payload>}`). */
interface Frame {
  cursor: bigint;
  tail: string;
}

/** A pass's frames as WebSocket bytes, built once per (subscription id, first frame a socket lacks). */
class FramedBatch {
  private readonly byHead = new Map<string, Buffer>();

  private readonly frames: Frame[];

  constructor(frames: Frame[]) {
    this.frames = [...frames];
  }

  /** The frames from index `from` on, framed for the member's subscription id. */
  bytesFor(member: Member, from: number): Buffer {
    const key = `${from}\u0000${member.head}`;
    let bytes = this.byHead.get(key);
    if (!bytes) {
      bytes = textFrames(member.headBytes, this.frames.slice(from).map(tailBytes));
      this.byHead.set(key, bytes);
    }
    return bytes;
  }
}

const tailBuffers = new WeakMap<Frame, Buffer>();
/** A frame's tail as bytes, converted once however many passes carry it. */
function tailBytes(frame: Frame): Buffer {
  let bytes = tailBuffers.get(frame);
  if (!bytes) {
    bytes = Buffer.from(frame.tail);
    tailBuffers.set(frame, bytes);
  }
  return bytes;
}

/** One subscription (socket + id) in a group. */
export interface Member {
  socket: WebSocket;
  /** `{"id":"…","type":"next","payload":` — the frame's only per-socket part. */
  head: string;
  headBytes: Buffer;
  delivered: bigint;
  /** False while stored events are replayed; live events wait in `pending`. */
  live: boolean;
  pending: Frame[];
  closed: boolean;
  end(error?: Error): void;
}

export interface GroupOptions {
  tailer: EventTailer;
  bufferBytes: number;
  /** How long to wait for more events before fanning out (server.fanoutBatchMs). */
  batchMs: number;
  /** A fresh context for one execution (the group's role). */
  context: () => unknown;
  /** The result as sent to clients (errors formatted as over HTTP). */
  format: (result: ExecutionResult) => unknown;
  onEmpty: () => void;
}

/**
 * Subscriptions sharing one (document, variables, role): each event is executed once for the group and its
 * serialized payload written to every member's socket, with only the subscription id differing per frame.
 */
export class FanoutGroup {
  readonly members = new Set<Member>();
  private readonly queue: SyncEventEntity[] = [];
  private draining = false;
  private scheduled = false;
  /** When the oldest event in `queue` arrived. */
  private queuedSince = 0;
  private readonly frames = new Map<string, string>();
  private readonly stopListening: () => void;

  constructor(readonly filter: SyncEventFilter, private readonly args: ExecutionArgs, private readonly options: GroupOptions) {
    this.stopListening = options.tailer.listen(this.onEvents);
  }

  /** Adds a subscription: replays stored events after `after` (or starts from now), then goes live. */
  join(socket: WebSocket, id: string, after: string | null, end: Member['end']): Member {
    const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    const member: Member = { socket, head, headBytes: Buffer.from(head), delivered: 0n, live: false, pending: [], closed: false, end };
    this.members.add(member);
    void this.catchUp(member, after).catch((error: Error) => this.leave(member, error));
    return member;
  }

  leave(member: Member, error?: Error): void {
    if (member.closed) return;
    member.closed = true;
    member.pending = [];
    this.members.delete(member);
    member.end(error);
    if (this.members.size === 0) {
      this.stopListening();
      this.options.onEmpty();
    }
  }

  private readonly onEvents = (events: SyncEventEntity[]): void => {
    if (this.queue.length === 0) this.queuedSince = performance.now();
    for (const event of events) if (matches(event, this.filter)) this.queue.push(event);
    if (this.queue.length > MAX_GROUP_QUEUE) {
      this.queue.length = 0;
      for (const member of this.members) this.tooSlow(member);
      return;
    }
    this.schedule();
  };

  /**
   * Drains within a short window of the oldest waiting event, so events arriving together leave in one write
   * per socket; events that waited out a drain already had their window and leave at once.
   */
  private schedule(): void {
    if (this.scheduled || this.draining || this.queue.length === 0) return;
    this.scheduled = true;
    const waited = performance.now() - this.queuedSince;
    setTimeout(() => {
      this.scheduled = false;
      void this.drain();
    }, Math.max(0, this.options.batchMs - waited));
  }

  /**
   * Passes over the members, writing each the frames it lacks. Events arriving during a pass join it (the members
   * not yet reached get them in the same write), so an event waits at most about one pass, not the rest of the
   * current pass and then a whole next one; whatever members reached earlier lack goes round again.
   */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      let frames: Frame[] = [];
      while (this.queue.length > 0 || frames.length > 0) {
        await this.take(frames);
        if (frames.length === 0) break;
        let framed = new FramedBatch(frames);
        let sent = 0;
        let visited = 0;
        for (const member of this.members) {
          if (!member.live) this.hold(member, frames);
          else sent += this.sendAll(member, frames, framed);
          if (++visited % 16 === 0) {
            const turn = yieldIfDue();
            if (turn) {
              await turn;
              if (this.queue.length > 0 && await this.take(frames)) framed = new FramedBatch(frames);
            }
          }
        }
        if (sent > 0) eventsDelivered.inc(sent);
        frames = this.lacked(frames);
      }
    } finally {
      this.draining = false;
      this.schedule();
    }
  }

  /**
   * Moves waiting events into `frames` (executed once each), up to a pass's bounds: a hub behind sends what waits
   * in larger writes, one per socket per pass. True when it added any.
   */
  private async take(frames: Frame[]): Promise<boolean> {
    let bytes = frames.reduce((n, f) => n + f.tail.length, 0);
    const before = frames.length;
    while (this.queue.length > 0 && frames.length < MAX_BATCH && bytes < MAX_BATCH_BYTES) {
      const event = this.queue.shift()!;
      const tail = await this.tail(event);
      frames.push({ cursor: BigInt(event.cursor), tail });
      bytes += tail.length;
    }
    return frames.length > before;
  }

  /** The frames some live member still lacks (it was written to before they joined the pass). */
  private lacked(frames: Frame[]): Frame[] {
    let oldest: bigint | null = null;
    for (const member of this.members) {
      if (member.live && !member.closed && (oldest === null || member.delivered < oldest)) oldest = member.delivered;
    }
    return oldest === null ? [] : frames.filter((f) => f.cursor > oldest!);
  }

  /** A replaying member keeps live frames for later, each once; too many and it is closed as too slow. */
  private hold(member: Member, frames: Frame[]): void {
    const after = member.pending.at(-1)?.cursor ?? -1n;
    for (const frame of frames) if (frame.cursor > after) member.pending.push(frame);
    if (member.pending.length > MAX_PENDING) this.tooSlow(member);
  }

  /**
   * Writes the frames a socket lacks (those after its cursor) as one TCP write: framed once per (subscription id,
   * first frame lacked), straight to the TCP socket when ws holds nothing back (the usual case), else frame by
   * frame through ws, corked.
   */
  private sendAll(member: Member, frames: Frame[], framed?: FramedBatch): number {
    let from = 0;
    while (from < frames.length && frames[from]!.cursor <= member.delivered) from++;
    if (from === frames.length || !this.hasRoom(member)) return 0;
    const tcp = framed ? rawWritable(member.socket) : null;
    if (tcp) {
      tcp.write(framed!.bytesFor(member, from));
      member.delivered = frames[frames.length - 1]!.cursor;
      return frames.length - from;
    }
    const corked = (member.socket as unknown as { _socket?: Socket })._socket;
    corked?.cork();
    let sent = 0;
    try {
      // One room check per batch: corked, every frame of the batch counts as buffered until the write.
      for (let i = from; i < frames.length; i++) if (this.send(member, frames[i]!.cursor, frames[i]!.tail, false)) sent++;
    } finally {
      corked?.uncork();
    }
    return sent;
  }

  /** The frame's shared part for an event: its payload, executed once and serialized once. */
  private async tail(event: SyncEventEntity): Promise<string> {
    const cached = this.frames.get(event.cursor);
    if (cached !== undefined) return cached;
    subscriptionExecutions.inc();
    const result = await execute({ ...this.args, rootValue: event, contextValue: this.options.context() });
    const tail = `${JSON.stringify(this.options.format(result))}}`;
    this.frames.set(event.cursor, tail);
    if (this.frames.size > FRAME_CACHE) this.frames.delete(this.frames.keys().next().value!);
    return tail;
  }

  /** Writes one frame unless the member already has it; a member whose socket is too full is closed. */
  private send(member: Member, cursor: bigint, tail: string, checkRoom = true): boolean {
    if (member.closed || cursor <= member.delivered) return false;
    if (checkRoom && !this.hasRoom(member)) return false;
    member.socket.send(member.head + tail);
    member.delivered = cursor;
    return true;
  }

  /** Whether the member's socket is open and within its buffer bound (closed as too slow when over it). */
  private hasRoom(member: Member): boolean {
    if (member.closed) return false;
    const socket = member.socket;
    if (socket.readyState !== WebSocket.OPEN) {
      this.leave(member);
      return false;
    }
    if (socket.bufferedAmount > this.options.bufferBytes) {
      this.tooSlow(member);
      return false;
    }
    return true;
  }

  private tooSlow(member: Member): void {
    if (member.closed) return;
    slowSubscribersClosed.inc();
    if (member.socket.readyState === WebSocket.OPEN) member.socket.close(WS_TOO_SLOW, `too slow: resume with after=${member.delivered}`);
    this.leave(member);
  }

  /** Stored events first (paced by the socket), then whatever arrived live meanwhile: no gap, no repeat. */
  private async catchUp(member: Member, after: string | null): Promise<void> {
    if (after === null) {
      member.delivered = BigInt(await this.options.tailer.currentCursor());
    } else {
      member.delivered = BigInt(after);
      for (;;) {
        const page = await this.options.tailer.storedAfter(String(member.delivered), this.filter, REPLAY_PAGE);
        for (const event of page) {
          if (member.closed) return;
          if (!(await this.roomFor(member))) return this.tooSlow(member);
          this.send(member, BigInt(event.cursor), await this.tail(event));
          const turn = yieldIfDue();
          if (turn) await turn;
        }
        if (member.closed || page.length < REPLAY_PAGE) break;
      }
    }
    if (member.closed) return;
    // Synchronous from here: nothing the drain sends can interleave, so the order holds.
    this.sendAll(member, member.pending);
    member.pending = [];
    member.live = true;
  }

  private async roomFor(member: Member): Promise<boolean> {
    const started = Date.now();
    while (member.socket.bufferedAmount > this.options.bufferBytes / 2) {
      if (member.closed || Date.now() - started > REPLAY_ROOM_WAIT_MS) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }
}
