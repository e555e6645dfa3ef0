/**
 * When a failed attempt is tried again: the delay doubles from `baseDelayMs` up to `maxDelayMs`, and attempts go
 * on while less than `retryForMs` has passed since the delivery was recorded (the first attempt). An SMTP server
 * down for less than that loses nothing; after it, the delivery is `Failed` with the last error.
 */
export interface RetrySchedule {
  baseDelayMs: number;
  maxDelayMs: number;
  retryForMs: number;
}

/** Retries for 15 minutes: 30 s, 1, 2, 4 min, then every 5 min. */
export const defaultRetrySchedule: RetrySchedule = {
  baseDelayMs: 30_000,
  maxDelayMs: 300_000,
  retryForMs: 900_000,
};

/** The delay before the attempt after `attempts` failed ones (1 → base). */
export function retryDelayMs(attempts: number, schedule: RetrySchedule): number {
  const doublings = Math.max(0, attempts - 1);
  // 2^30 ms is past any sensible maximum; capping the exponent keeps the number finite.
  return Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** Math.min(doublings, 30));
}

/**
 * When to try again after the `attempts`-th attempt failed at `now`, for a delivery first tried at `firstAt`;
 * null when the retry window is over (the delivery fails for good). The last attempt lies at or past the end
 * of the window, so a delivery is never given up before `retryForMs`.
 */
export function nextAttemptAt(attempts: number, firstAt: Date, now: Date, schedule: RetrySchedule): Date | null {
  if (now.getTime() - firstAt.getTime() >= schedule.retryForMs) return null;
  return new Date(now.getTime() + retryDelayMs(attempts, schedule));
}
