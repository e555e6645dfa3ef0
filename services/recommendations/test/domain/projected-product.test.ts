import { type CatalogFacts, withArchive, withFacts, withStock } from '../../src/domain/projected-product';

const facts = (name: string, atMs: number, status: 'active' | 'archived' = 'active'): CatalogFacts => ({
  name,
  price: { amount: 100, currency: 'EUR' },
  categoryId: 'c',
  status,
  atMs,
});

describe("the product projection's rules (events in any order, each more than once)", () => {
  it('keeps the facts with the later catalog instant, and changes nothing for the same facts again', () => {
    const first = withFacts(undefined, 'p', facts('old', 1));
    const newer = withFacts(first, 'p', facts('new', 2));
    expect(newer?.facts?.name).toBe('new');
    expect(withFacts(newer, 'p', facts('old', 1))).toBeUndefined();
    expect(withFacts(newer, 'p', facts('new', 2))).toBeUndefined();
  });

  it("orders two changes within one millisecond by the catalog's version, an event without one by its instant", () => {
    const v2 = { ...facts('second', 7), version: 2 };
    const v3 = { ...facts('third', 7), version: 3 };
    expect(withFacts(withFacts(undefined, 'p', v2), 'p', v3)?.facts?.name).toBe('third');
    const stored = withFacts(undefined, 'p', v3);
    expect(withFacts(stored, 'p', v2)).toBeUndefined();
    expect(withFacts(stored, 'p', v3)).toBeUndefined();
    // An event from before versions: only a later instant replaces the facts.
    expect(withFacts(stored, 'p', facts('unversioned', 7))).toBeUndefined();
    expect(withFacts(stored, 'p', facts('unversioned', 8))?.facts?.name).toBe('unversioned');
  });

  it('keeps an archive whatever comes later, also one that came before any facts', () => {
    const archived = withArchive(undefined, 'p');
    expect(archived).toEqual({ productId: 'p', archived: true });
    const withLateFacts = withFacts(archived, 'p', facts('late', 5));
    expect(withLateFacts).toEqual(expect.objectContaining({ archived: true, facts: facts('late', 5) }));
    expect(withArchive(withLateFacts, 'p')).toBeUndefined();
    expect(withFacts(undefined, 'q', facts('gone', 1, 'archived'))?.archived).toBe(true);
  });

  it('keeps the stock of the higher version, the facts beside it', () => {
    const known = withFacts(undefined, 'p', facts('x', 1));
    const stocked = withStock(known, 'p', { available: 4, version: 3 });
    expect(stocked).toEqual(expect.objectContaining({ facts: facts('x', 1), stock: { available: 4, version: 3 } }));
    expect(withStock(stocked, 'p', { available: 9, version: 2 })).toBeUndefined();
    expect(withStock(stocked, 'p', { available: 0, version: 4 })?.stock).toEqual({ available: 0, version: 4 });
  });
});
