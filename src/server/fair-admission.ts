import { admissionRefused } from '../observability/metrics.js';

/**
 * Fair admission of authenticated work (per-caller fair queuing): at most `maxConcurrent` requests hold a slot at
 * once. When every slot is taken, a request waits in its caller's queue, and a slot that frees goes to the waiting
 * caller holding the fewest slots, and among those the one that has used the hub least of late: its usage is the
 * time its requests held slots, decaying with a half-life of `halfLifeMs`. So a caller flooding the hub queues
 * behind callers who ask little, instead of ahead of them; with no contention nobody waits. One caller holds at
 * most `maxConcurrentPerCaller` slots (by default all but one), so one token can never take every slot. A caller
 * may keep `maxQueuedPerCaller` requests waiting; beyond that, or after waiting `maxWaitMs`, the request is refused
 * (the caller should retry later).
 */
export interface FairAdmissionLimits {
  maxConcurrent: number;
  /** Slots one caller may hold at once (default: all but one, so another caller always finds one). */
  maxConcurrentPerCaller?: number;
  maxQueuedPerCaller: number;
  maxWaitMs: number;
  halfLifeMs?: number;
}

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; reason: 'queue-full' | 'timeout'; retryAfterSeconds: number };

interface Waiter {
  admit: (admission: Admission) => void;
  timer: NodeJS.Timeout;
}

interface Caller {
  usage: number;
  usageAt: number;
  running: number;
  waiting: Waiter[];
}

export class FairAdmission {
  private running = 0;
  private readonly callers = new Map<string, Caller>();
  private readonly halfLifeMs: number;
  private readonly perCaller: number;

  constructor(private readonly limits: FairAdmissionLimits) {
    this.halfLifeMs = limits.halfLifeMs ?? 2_000;
    this.perCaller = limits.maxConcurrentPerCaller ?? Math.max(1, limits.maxConcurrent - 1);
  }

  /** How many run and wait now (for /metrics and tests). */
  get load(): { running: number; waiting: number } {
    let waiting = 0;
    for (const caller of this.callers.values()) waiting += caller.waiting.length;
    return { running: this.running, waiting };
  }

  /** A slot for `callerKey`'s request, at once or when its turn comes; or a refusal. */
  acquire(callerKey: string): Promise<Admission> | Admission {
    const caller = this.callerFor(callerKey);
    if (this.running < this.limits.maxConcurrent && caller.running < this.perCaller && !this.anyoneEligibleWaiting()) return this.grant(caller);
    if (caller.waiting.length >= this.limits.maxQueuedPerCaller) {
      admissionRefused.inc({ reason: 'queue-full' });
      return { admitted: false, reason: 'queue-full', retryAfterSeconds: 1 };
    }
    return new Promise<Admission>((resolve) => {
      const waiter: Waiter = {
        admit: resolve,
        timer: setTimeout(() => {
          const at = caller.waiting.indexOf(waiter);
          if (at >= 0) caller.waiting.splice(at, 1);
          this.forget(callerKey, caller);
          admissionRefused.inc({ reason: 'timeout' });
          resolve({ admitted: false, reason: 'timeout', retryAfterSeconds: Math.ceil(this.limits.maxWaitMs / 1_000) });
        }, this.limits.maxWaitMs),
      };
      waiter.timer.unref();
      caller.waiting.push(waiter);
    });
  }

  private grant(caller: Caller): Admission {
    this.running += 1;
    caller.running += 1;
    const started = performance.now();
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.running -= 1;
        caller.running -= 1;
        const now = performance.now();
        caller.usage = this.decayed(caller, now) + (now - started);
        caller.usageAt = now;
        this.next();
      },
    };
  }

  /** Hands free slots to waiting callers, least used first. */
  private next(): void {
    while (this.running < this.limits.maxConcurrent) {
      const now = performance.now();
      let chosen: Caller | undefined;
      let fewest = Infinity;
      let least = Infinity;
      for (const caller of this.callers.values()) {
        if (caller.waiting.length === 0 || caller.running >= this.perCaller) continue;
        // Fewest slots held now first; among equals, the least used of late.
        const usage = this.decayed(caller, now);
        if (caller.running < fewest || (caller.running === fewest && usage < least)) {
          fewest = caller.running;
          least = usage;
          chosen = caller;
        }
      }
      if (!chosen) break;
      const waiter = chosen.waiting.shift()!;
      clearTimeout(waiter.timer);
      waiter.admit(this.grant(chosen));
    }
    for (const [key, caller] of this.callers) this.forget(key, caller);
  }

  private callerFor(key: string): Caller {
    let caller = this.callers.get(key);
    if (!caller) {
      caller = { usage: 0, usageAt: performance.now(), running: 0, waiting: [] };
      this.callers.set(key, caller);
    }
    return caller;
  }

  /** A caller with nothing running or waiting and (almost) no usage left is dropped, so the map stays small. */
  private forget(key: string, caller: Caller): void {
    if (caller.running === 0 && caller.waiting.length === 0 && this.decayed(caller, performance.now()) < 1) this.callers.delete(key);
  }

  /** Someone waits who could take a free slot now (not held back by the per-caller cap). */
  private anyoneEligibleWaiting(): boolean {
    for (const caller of this.callers.values()) if (caller.waiting.length > 0 && caller.running < this.perCaller) return true;
    return false;
  }

  private decayed(caller: Caller, now: number): number {
    return caller.usage * 2 ** (-(now - caller.usageAt) / this.halfLifeMs);
  }
}
