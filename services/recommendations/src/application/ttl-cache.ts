/**
 * Answers from memory, each entry for `ttlMs` after it was loaded, at most `maxEntries` (the oldest loaded goes
 * first). Concurrent misses of one key share one load; a failed load is not kept. Replicas each hold their own:
 * what another replica learnt reaches this one's answers within `ttlMs`; what this one applies it drops at once.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: Promise<V>; loadedAtMs: number }>();

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number; nowMs: () => number },
    private readonly load: (key: K) => Promise<V>,
  ) {}

  get(key: K): Promise<V> {
    const now = this.options.nowMs();
    const entry = this.entries.get(key);
    if (entry && now - entry.loadedAtMs < this.options.ttlMs) return entry.value;
    if (entry) this.entries.delete(key);
    const value = this.load(key);
    if (this.options.ttlMs <= 0) return value;
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, loadedAtMs: now });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  forget(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
