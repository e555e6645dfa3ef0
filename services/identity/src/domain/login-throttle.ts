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

/** The windows one login attempt was counted in. */
export interface LoginWindows {
  /** Failures on the account from every address. */
  account: AttemptWindow;
  /** Failures on the account from this address. */
  accountFromAddress: AttemptWindow;
  /** Failures from this address on every account. */
  address: AttemptWindow;
}

/**
 * Seconds this attempt must wait (0: go ahead), counted before the password is checked. An address is held back
 * when it went over its own limit, or over the account's limit on this account. The account-wide count only
 * holds back addresses that have already failed on this account: it stops a guesser spread over many
 * addresses (each gets one try once the account is under attack) without locking the owner out, who logs in
 * from an address with no failures on it.
 */
export function loginWaitSeconds(
  windows: LoginWindows,
  nowMs: number,
  limits: { account: ThrottleLimits; address: ThrottleLimits },
): number {
  const accountUnderAttack = retryAfterSeconds(windows.account, nowMs, limits.account) > 0;
  const failedHereBefore = windows.accountFromAddress.attempts > 1;
  return Math.max(
    retryAfterSeconds(windows.address, nowMs, limits.address),
    retryAfterSeconds(windows.accountFromAddress, nowMs, limits.account),
    accountUnderAttack && failedHereBefore ? retryAfterSeconds(windows.account, nowMs, limits.account) : 0,
  );
}
