/** Failed logins counted for one key (an account or a client address) in a fixed window. */
export interface AttemptWindow {
  attempts: number;
  windowEndsAtMs: number;
}

export interface ThrottleLimits {
  maxAttempts: number;
  windowSeconds: number;
}

/** The window after one more attempt at `nowMs`: a new window once the old one has ended. */
export function countAttempt(current: AttemptWindow | undefined, nowMs: number, limits: ThrottleLimits): AttemptWindow {
  if (!current || current.windowEndsAtMs <= nowMs) {
    return { attempts: 1, windowEndsAtMs: nowMs + limits.windowSeconds * 1000 };
  }
  return { attempts: current.attempts + 1, windowEndsAtMs: current.windowEndsAtMs };
}

/** The window with one attempt taken back (a login that turned out to be right). */
export function forgiveAttempt(current: AttemptWindow | undefined, nowMs: number): AttemptWindow | undefined {
  if (!current || current.windowEndsAtMs <= nowMs) return undefined;
  return { attempts: Math.max(0, current.attempts - 1), windowEndsAtMs: current.windowEndsAtMs };
}

/** Seconds until the key may try again, or 0 when this attempt is within the limit. */
export function retryAfterSeconds(window: AttemptWindow, nowMs: number, limits: ThrottleLimits): number {
  if (window.attempts <= limits.maxAttempts) return 0;
  return Math.max(1, Math.ceil((window.windowEndsAtMs - nowMs) / 1000));
}
