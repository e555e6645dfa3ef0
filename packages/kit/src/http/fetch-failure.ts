/** Why a fetch to another server threw, in a few words: `timed out`, a socket error code (`ECONNREFUSED`), or its message. */
export function fetchFailure(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (a test runner's), where instanceof Error is false.
  const { name, message, cause } = (error ?? {}) as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? message ?? String(error);
}
