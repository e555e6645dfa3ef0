import { EtagMismatchError, type StateStore } from '@shop/kit';
import type { LoginAttempts } from '../application/ports';
import {
  type AttemptWindow,
  countAttempt,
  forgiveAttempt,
  retryAfterSeconds,
  type ThrottleLimits,
} from '../domain/login-throttle';

export interface LoginThrottleSettings {
  account: ThrottleLimits;
  address: ThrottleLimits;
}

const maxWriteAttempts = 8;

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
        await state.save(key, next, { ttlSeconds, ...(current ? { etag: current.etag } : {}) });
        return next;
      } catch (error) {
        if (!(error instanceof EtagMismatchError)) throw error;
      }
    }
    throw new Error(`login throttle entry ${key} is too contended to update`);
  };

  return {
    async begin(account, address) {
      const accountKey = `login-attempts:account:${account}`;
      const addressKey = `login-attempts:address:${address}`;
      const [accountWindow, addressWindow] = await Promise.all([
        update(accountKey, (current) => countAttempt(current, now(), settings.account)),
        update(addressKey, (current) => countAttempt(current, now(), settings.address)),
      ]);
      return Math.max(
        accountWindow ? retryAfterSeconds(accountWindow, now(), settings.account) : 0,
        addressWindow ? retryAfterSeconds(addressWindow, now(), settings.address) : 0,
      );
    },
    async succeeded(account, address) {
      await Promise.all([
        update(`login-attempts:account:${account}`, () => undefined),
        update(`login-attempts:address:${address}`, (current) => forgiveAttempt(current, now())),
      ]);
    },
  };
}
