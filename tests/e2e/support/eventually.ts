import { eventually as retryUntil } from '@shop/testkit/src/eventually';

/** The saga moves on by itself, a little later: black-box checks wait up to 20 s, polling every 100 ms. */
export function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  return retryUntil(check, timeoutMs, 100);
}
