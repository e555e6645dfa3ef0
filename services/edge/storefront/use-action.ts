import { useState } from 'preact/hooks';

/**
 * A shopper's action that asks the API (sign in, register, check out): `busy` while it runs, so its button cannot
 * send it twice, and what the API refused kept in `error`, so the form can say it in words and mark the fields.
 */
export function useAction(): { busy: boolean; error: unknown; run(action: () => Promise<void>): Promise<void> } {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
