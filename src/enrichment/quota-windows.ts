/**
 * Lengths of the quota windows the scheduler meters. Real providers count per minute, hour and UTC day; `timeScale`
 * shortens every window by that factor (tests and benches run the same algorithm against a sandbox whose quota
 * clock runs equally fast — see the VirusTotal sandbox's `PUT /__sandbox/quota-clock`).
 */
export interface QuotaWindows {
  minuteMs: number;
  hourMs: number;
  /** Day windows are aligned on multiples of this from the Unix epoch: UTC midnight at scale 1. */
  dayMs: number;
}

export function quotaWindows(timeScale = 1): QuotaWindows {
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be positive, got ${timeScale}`);
  return { minuteMs: 60_000 / timeScale, hourMs: 3_600_000 / timeScale, dayMs: 86_400_000 / timeScale };
}
