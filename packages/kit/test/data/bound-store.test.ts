import { bindStore, type StoreIn } from '../../src/data';

interface Counters {
  add(name: string, by: number): Promise<number>;
  get(name: string): Promise<number>;
}

/** A unit stand-in: what a store's statements would go through. */
interface Ledger {
  rows: Map<string, number>;
}

class LedgerCounters implements StoreIn<Counters, Ledger> {
  readonly calls: string[] = [];
  async add(ledger: Ledger, name: string, by: number) {
    this.calls.push(`add ${name}`);
    ledger.rows.set(name, (ledger.rows.get(name) ?? 0) + by);
    return ledger.rows.get(name) as number;
  }
  async get(ledger: Ledger, name: string) {
    return ledger.rows.get(name) ?? 0;
  }
}

describe('bindStore', () => {
  it('hands every method of a class instance its unit first, keeping the instance as `this`', async () => {
    const store = new LedgerCounters();
    const first: Ledger = { rows: new Map() };
    const second: Ledger = { rows: new Map() };
    const inFirst = bindStore<Counters, Ledger>(store, first);
    const inSecond = bindStore<Counters, Ledger>(store, second);
    await inFirst.add('a', 2);
    await inFirst.add('a', 3);
    await inSecond.add('a', 7);
    expect([await inFirst.get('a'), await inSecond.get('a')]).toEqual([5, 7]);
    expect(store.calls).toEqual(['add a', 'add a', 'add a']);
    expect(Object.keys(inFirst).sort()).toEqual(['add', 'get']);
  });

  it('binds a plain object store the same way', async () => {
    const store: StoreIn<Counters, Ledger> = {
      add: async (ledger, name, by) => ledger.rows.set(name, by).get(name) as number,
      get: async (ledger, name) => ledger.rows.get(name) ?? 0,
    };
    const ledger: Ledger = { rows: new Map() };
    await bindStore<Counters, Ledger>(store, ledger).add('b', 4);
    expect(ledger.rows.get('b')).toBe(4);
  });
});
