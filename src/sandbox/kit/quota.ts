/** A provider's request budget over fixed windows (per minute, per hour, per day), as real quota models count. */
export interface QuotaLimits {
  perMinute?: number;
  /** Hybrid Analysis meters per minute and per hour. */
  perHour?: number;
  perDay?: number;
}

export interface QuotaDecision {
  allowed: boolean;
  /** Which window refused (when not allowed). */
  window?: 'minute' | 'hour' | 'day';
  limit?: number;
  remaining: number;
  /** Seconds until the refusing (or, when allowed, the tightest) window resets. */
  resetSeconds: number;
}

/**
 * Counts calls against per-minute and per-day budgets. Windows are fixed and aligned to the clock,
 * like the providers' own counters: a minute window resets on the minute, a day window at UTC midnight.
 */
export class QuotaCounter {
  private minuteStart = 0;
  private minuteCount = 0;
  private hourStart = 0;
  private hourCount = 0;
  private dayStart = 0;
  private dayCount = 0;
  refused = 0;

  constructor(public limits: QuotaLimits = {}, private readonly now: () => number = Date.now) {}

  take(): QuotaDecision {
    const t = this.now();
    const minute = Math.floor(t / 60_000) * 60_000;
    const hour = Math.floor(t / 3_600_000) * 3_600_000;
    const day = Math.floor(t / 86_400_000) * 86_400_000;
    if (minute !== this.minuteStart) { this.minuteStart = minute; this.minuteCount = 0; }
    if (hour !== this.hourStart) { this.hourStart = hour; this.hourCount = 0; }
    if (day !== this.dayStart) { this.dayStart = day; this.dayCount = 0; }
    const minuteReset = Math.ceil((minute + 60_000 - t) / 1000);
    const hourReset = Math.ceil((hour + 3_600_000 - t) / 1000);
    const dayReset = Math.ceil((day + 86_400_000 - t) / 1000);
    const { perMinute, perHour, perDay } = this.limits;
    if (perDay !== undefined && this.dayCount >= perDay) {
      this.refused += 1;
      return { allowed: false, window: 'day', limit: perDay, remaining: 0, resetSeconds: dayReset };
    }
    if (perHour !== undefined && this.hourCount >= perHour) {
      this.refused += 1;
      return { allowed: false, window: 'hour', limit: perHour, remaining: 0, resetSeconds: hourReset };
    }
    if (perMinute !== undefined && this.minuteCount >= perMinute) {
      this.refused += 1;
      return { allowed: false, window: 'minute', limit: perMinute, remaining: 0, resetSeconds: minuteReset };
    }
    this.minuteCount += 1;
    this.hourCount += 1;
    this.dayCount += 1;
    const remaining = Math.min(
      perMinute !== undefined ? perMinute - this.minuteCount : Infinity,
      perHour !== undefined ? perHour - this.hourCount : Infinity,
      perDay !== undefined ? perDay - this.dayCount : Infinity);
    const resetSeconds = perMinute !== undefined ? minuteReset : perHour !== undefined ? hourReset : dayReset;
    return { allowed: true, remaining: Number.isFinite(remaining) ? remaining : -1, resetSeconds };
  }

  usage(): { minute: number; hour: number; day: number; refused: number; limits: QuotaLimits } {
    return { minute: this.minuteCount, hour: this.hourCount, day: this.dayCount, refused: this.refused, limits: this.limits };
  }

  reset(): void {
    this.minuteCount = 0;
    this.hourCount = 0;
    this.dayCount = 0;
    this.refused = 0;
  }
}
