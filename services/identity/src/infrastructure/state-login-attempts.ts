import { EtagMismatchError, type StateStore } from '@shop/kit';
import type { LoginAttempts } from '../application/ports';
import {
  type AttemptWindow,
  countAttempt,
  forgiveAttempt,
  loginWaitSeconds,
  type ThrottleLimits,
} from '../domain/login-throttle';

export interface LoginThrottleSettings {
  account: ThrottleLimits;
  address: ThrottleLimits;
}

const maxWriteAttempts = 40;

/**
 * Writers that lost a conditional write all read again at once and collide again: through a sidecar (a round trip
 * per read and per write) eight immediate retries of a dozen logins from one address all lost once and failed a login
 * with a 500. A random wait, growing with each loss, spreads them out so that they take turns.
 */
function afterLosing(attempt: number): Promise<void> {
  const ceilingMs = Math.min(50, 2 ** Math.min(attempt, 6));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}

/**
 * Login attempt windows in the mesh state store (Redis behind Dapr), so every identity replica sees the same
 * counts; each entry expires with its window. Counts are read-modify-written with ETags: a concurrent write
 * makes the loser read again, so parallel guesses are all counted.
 */
export function stateLoginAttempts(
  state: StateStore,
  settings: LoginThrottleSettings,
  now = () => Date.now(),
): LoginAttempts {
  const update = async (
    key: string,
    change: (current: AttemptWindow | undefined) => AttemptWindow | undefined,
  ): Promise<AttemptWindow | undefined> => {
    for (let attempt = 0; attempt < maxWriteAttempts; attempt++) {
      const current = await state.get<AttemptWindow>(key);
      const next = change(current?.value);
      try {
        if (!next || next.attempts === 0) {
          if (current) await state.delete(key, { etag: current.etag });
          return next;
        }
        const ttlSeconds = Math.max(1, Math.ceil((next.windowEndsAtMs - now()) / 1000));
        // A missing entry is created only if still absent: two first attempts at once must not overwrite each other.
        await state.save(key, next, { ttlSeconds, ...(current ? { etag: current.etag } : { ifAbsent: true }) });
        return next;
      } catch (error) {
        if (!(error instanceof EtagMismatchError)) throw error;
        await afterLosing(attempt);
      }
    }
    throw new Error(`login throttle entry ${key} is too contended to update`);
  };

  const keys = (account: string, address: string) => ({
    account: `login-attempts:account:${account}`,
    accountFromAddress: `login-attempts:account-address:${account}:${address}`,
    address: `login-attempts:address:${address}`,
  });
  const counted = async (key: string, limits: ThrottleLimits): Promise<AttemptWindow> =>
    (await update(key, (current) => countAttempt(current, now(), limits))) ?? countAttempt(undefined, now(), limits);

  return {
    async begin(account, address) {
      const key = keys(account, address);
      const [accountWindow, accountFromAddress, addressWindow] = await Promise.all([
        counted(key.account, settings.account),
        counted(key.accountFromAddress, settings.account),
        counted(key.address, settings.address),
      ]);
      return loginWaitSeconds({ account: accountWindow, accountFromAddress, address: addressWindow }, now(), settings);
    },
    async succeeded(account, address) {
      // The account starts afresh for its owner; an address that failed on it before keeps its own count.
      const key = keys(account, address);
      await Promise.all([
        update(key.account, () => undefined),
        update(key.accountFromAddress, () => undefined),
        update(key.address, (current) => forgiveAttempt(current, now())),
      ]);
    },
  };
}
