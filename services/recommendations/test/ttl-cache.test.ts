import { TtlCache } from '../src/application/ttl-cache';

describe('the replica cache', () => {
  const clock = { nowMs: 0 };
  const loads: string[] = [];
  const cache = (options: { ttlMs?: number; maxEntries?: number } = {}) =>
    new TtlCache<string, string>(
      { ttlMs: options.ttlMs ?? 100, maxEntries: options.maxEntries ?? 10, nowMs: () => clock.nowMs },
      async (key) => {
        loads.push(key);
        if (key === 'bad') throw new Error('the database is away');
        return `${key}@${clock.nowMs}`;
      },
    );
  beforeEach(() => {
    clock.nowMs = 0;
    loads.length = 0;
  });

  it('answers from memory until the TTL, then loads again; concurrent misses share one load', async () => {
    const entries = cache();
    expect(await Promise.all([entries.get('a'), entries.get('a'), entries.get('a')])).toEqual(['a@0', 'a@0', 'a@0']);
    clock.nowMs = 99;
    expect(await entries.get('a')).toBe('a@0');
    clock.nowMs = 100;
    expect(await entries.get('a')).toBe('a@100');
    expect(loads).toEqual(['a', 'a']);
  });

  it('keeps no failed load, holds at most its bound (the oldest loaded goes), and forgets on demand', async () => {
    const entries = cache({ maxEntries: 2 });
    await expect(entries.get('bad')).rejects.toThrow('away');
    await expect(entries.get('bad')).rejects.toThrow('away');
    expect(loads).toEqual(['bad', 'bad']);
    await entries.get('a');
    await entries.get('b');
    await entries.get('c');
    expect(entries.size).toBe(2);
    await entries.get('a');
    expect(loads.filter((key) => key === 'a')).toHaveLength(2);
    entries.forget('c');
    await entries.get('c');
    expect(loads.filter((key) => key === 'c')).toHaveLength(2);
  });

  it('caches nothing with a TTL of 0', async () => {
    const entries = cache({ ttlMs: 0 });
    await entries.get('a');
    await entries.get('a');
    expect(loads).toEqual(['a', 'a']);
    expect(entries.size).toBe(0);
  });
});
