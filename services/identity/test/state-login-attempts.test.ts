import { EtagMismatchError, type StateEntry, type StateStore } from '@shop/kit';
import { stateLoginAttempts } from '../src/infrastructure/state-login-attempts';

/**
 * A state store with ETags that answers each call after a round trip, as the sidecar does: reads of a key race the
 * writes of the others, so conditional writes lose and must be tried again.
 */
function roundTripStateStore(roundTripMs: number): StateStore & { entries: Map<string, StateEntry<unknown>> } {
  const entries = new Map<string, StateEntry<unknown>>();
  let version = 0;
  const roundTrip = () => new Promise((resolve) => setTimeout(resolve, roundTripMs * Math.random()));
  const check = (key: string, etag: string | undefined, ifAbsent = false) => {
    const current = entries.get(key);
    if (etag !== undefined && current?.etag !== etag) throw new EtagMismatchError(key);
    if (ifAbsent && current) throw new EtagMismatchError(key);
  };
  return {
    entries,
    async get<T>(key: string) {
      await roundTrip();
      return entries.get(key) as StateEntry<T> | undefined;
    },
    async getBulk<T>(keys: string[]) {
      await roundTrip();
      return keys.map((key) => entries.get(key) as StateEntry<T> | undefined);
    },
    async save(key, value, options) {
      await roundTrip();
      check(key, options?.etag, options?.ifAbsent);
      version += 1;
      entries.set(key, { value, etag: String(version) });
    },
    async delete(key, options) {
      await roundTrip();
      check(key, options?.etag);
      entries.delete(key);
    },
  };
}

const limits = { maxAttempts: 1_000, windowSeconds: 900 };

describe('login attempt windows in the mesh state store', () => {
  it('counts every one of many logins from one address at once, none failing for contention', async () => {
    const state = roundTripStateStore(3);
    const attempts = stateLoginAttempts(state, { account: limits, address: limits });
    const logins = 40;
    const waits = await Promise.all(
      Array.from({ length: logins }, (_, i) => attempts.begin(`account-${i}`, '203.0.113.7')),
    );
    expect(waits).toEqual(Array(logins).fill(0));
    const address = state.entries.get('login-attempts:address:203.0.113.7')?.value as { attempts: number };
    expect(address.attempts).toBe(logins);
    // And each succeeds afterwards, forgiving its attempt on the shared address window.
    await Promise.all(Array.from({ length: logins }, (_, i) => attempts.succeeded(`account-${i}`, '203.0.113.7')));
  });
});
