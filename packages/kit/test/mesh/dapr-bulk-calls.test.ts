import { callsOf } from '../../src/mesh/dapr';

describe('bulk publish calls', () => {
  const entry = (bytes: number) => 'x'.repeat(bytes - 1);

  it('puts consecutive entries into calls of at most the size given, in their order', () => {
    const entries = ['a', 'b', 'c', 'd', 'e'].map((letter) => letter + entry(99));
    const calls = callsOf(entries, 250);
    expect(calls).toEqual([entries.slice(0, 2), entries.slice(2, 4), entries.slice(4)]);
  });

  it('sends an entry larger than the size alone, and nothing for no entries', () => {
    const big = entry(500);
    expect(callsOf(['a', big, 'b'], 100)).toEqual([['a'], [big], ['b']]);
    expect(callsOf([], 100)).toEqual([]);
  });
});
