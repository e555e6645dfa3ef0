/**
 * Retries `check` until it passes (returns without throwing) or `timeoutMs` has gone by, then answers its
 * value or rethrows its last failure: for outcomes that arrive asynchronously (events, relays, sagas).
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
