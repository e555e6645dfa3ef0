import type { CatalogHarness } from './catalog-harness';

interface Listed {
  id: string;
  name: string;
  sku: string;
  price: { amount: number };
  createdAt: string;
  categoryId: string;
}

type Sort = 'name' | '-name' | 'price' | '-price' | '-createdAt';

/** The sort key the API promises, as the tests compare it (names case-insensitively). */
function keyOf(product: Listed, sort: Sort): string | number {
  if (sort.endsWith('name')) return product.name.toLowerCase();
  if (sort.endsWith('price')) return product.price.amount;
  return product.createdAt;
}

/** -1, 0, 1 as (key, id) of a comes before, with, after b in this sort order. */
function compare(a: Listed, b: Listed, sort: Sort): number {
  const direction = sort.startsWith('-') ? -1 : 1;
  const [ka, kb] = [keyOf(a, sort), keyOf(b, sort)];
  if (ka !== kb) return (ka < kb ? -1 : 1) * direction;
  if (a.id === b.id) return 0;
  return (a.id < b.id ? -1 : 1) * direction;
}

/**
 * Product search as a client sees it, run against a harness on one database. The same body runs on SQLite
 * (unit) and PostgreSQL (integration): matching, filtering and paging must not differ between them.
 */
export function describeProductSearch(label: string, start: () => Promise<CatalogHarness>): void {
  describe(`product search on ${label}`, () => {
    let h: CatalogHarness;
    beforeEach(async () => {
      h = await start();
    });
    afterEach(() => h.stop());

    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON documents
    const search = async (query: Record<string, string | number>): Promise<any> => {
      const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string]));
      return h.expectStatus(await h.request('GET', `/api/products?${params}`), 200);
    };
    const names = (page: { items: Listed[] }) => page.items.map((item) => item.name).sort();

    /** Every page of a search, following nextCursor, with `between` run before each next page. */
    const allPages = async (query: Record<string, string | number>, between?: (page: number) => Promise<void>) => {
      const seen: Listed[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page++) {
        const result: { items: Listed[]; nextCursor: string | null } = await search(
          cursor ? { ...query, cursor } : query,
        );
        seen.push(...result.items);
        cursor = result.nextCursor;
        if (!cursor) return seen;
        await between?.(page);
      }
      throw new Error('more than 100 pages');
    };

    it('matches q case-insensitively in name, description and sku, taking %, _, [ and ! literally', async () => {
      const { id: categoryId } = await h.given.category('Everything');
      const product = (name: string, extra: { description?: string; sku?: string } = {}) =>
        h.given.product({ categoryId, name, ...extra });
      await product('100% Cotton Tee');
      await product('1000 piece puzzle');
      await product('Under_score Mug');
      await product('Plain mug');
      await product('Teapot', { description: 'Pairs with any MUG' });
      await product('Saucer', { sku: 'saucer-for-mug-7' });
      await product('[Bracket] bowl');
      await product('Bang! pot');
      await product('ÉCLAIR tin');
      await product('Spoon');

      expect(names(await search({ q: 'MUG' }))).toEqual(['Plain mug', 'Saucer', 'Teapot', 'Under_score Mug']);
      expect(names(await search({ q: '100%' }))).toEqual(['100% Cotton Tee']);
      expect(names(await search({ q: '%' }))).toEqual(['100% Cotton Tee']);
      expect(names(await search({ q: '_' }))).toEqual(['Under_score Mug']);
      expect(names(await search({ q: 'n_e' }))).toEqual([]); // a wildcard _ would match "Under"
      expect(names(await search({ q: '[b' }))).toEqual(['[Bracket] bowl']);
      expect(names(await search({ q: 'g! p' }))).toEqual(['Bang! pot']);
      expect(names(await search({ q: 'éclair' }))).toEqual(['ÉCLAIR tin']);
      expect(names(await search({ q: 'no such thing' }))).toEqual([]);
      expect((await search({ q: '' })).items).toHaveLength(10);
    });

    it('filters by a category and all its descendants', async () => {
      const kitchen = await h.given.category('Kitchen');
      const cups = await h.given.category('Cups', kitchen.id);
      const espresso = await h.given.category('Espresso', cups.id);
      const garden = await h.given.category('Garden');
      await h.given.product({ categoryId: kitchen.id, name: 'Pan' });
      await h.given.product({ categoryId: cups.id, name: 'Cup' });
      await h.given.product({ categoryId: espresso.id, name: 'Demitasse' });
      await h.given.product({ categoryId: garden.id, name: 'Rake' });

      expect(names(await search({ categoryId: kitchen.id }))).toEqual(['Cup', 'Demitasse', 'Pan']);
      expect(names(await search({ categoryId: cups.id }))).toEqual(['Cup', 'Demitasse']);
      expect(names(await search({ categoryId: espresso.id }))).toEqual(['Demitasse']);
      expect(names(await search({ categoryId: garden.id, q: 'rake' }))).toEqual(['Rake']);
      expect((await search({ categoryId: '5d0e4fc4-7f4c-4a57-9a0e-0d7e1c1f5c11' })).items).toEqual([]);
    });

    it('filters by an inclusive price range in minor units', async () => {
      const { id: categoryId } = await h.given.category('Everything');
      for (const amount of [0, 499, 500, 999, 1000, 1001]) {
        await h.given.product({ categoryId, name: `At ${amount}`, price: { amount, currency: 'EUR' } });
      }
      const amounts = async (query: Record<string, number>) =>
        (await search({ ...query, sort: 'price' })).items.map((item: Listed) => item.price.amount);
      expect(await amounts({ minPrice: 500 })).toEqual([500, 999, 1000, 1001]);
      expect(await amounts({ maxPrice: 999 })).toEqual([0, 499, 500, 999]);
      expect(await amounts({ minPrice: 500, maxPrice: 1000 })).toEqual([500, 999, 1000]);
      expect(await amounts({ minPrice: 1000, maxPrice: 1000 })).toEqual([1000]);
    });

    it.each<Sort>(['name', '-name', 'price', '-price', '-createdAt'])(
      'sorts by %s, ties broken by id',
      async (sort) => {
        const { id: categoryId } = await h.given.category('Everything');
        const specs = [
          ['mug', 300],
          ['Mug', 100],
          ['apron', 300],
          ['Zither', 200],
          ['bowl', 100],
          ['MUG', 200],
        ] as const;
        for (const [name, amount] of specs) {
          await h.given.product({ categoryId, name, price: { amount, currency: 'EUR' } });
        }
        const { items } = await search({ sort });
        const expected = [...items].sort((a: Listed, b: Listed) => compare(a, b, sort));
        expect(items.map((item: Listed) => item.id)).toEqual(expected.map((item) => item.id));
        expect(items).toHaveLength(specs.length);
        if (sort === 'name') expect(items[0].name).toBe('apron');
        if (sort === '-price') expect(items[0].price.amount).toBe(300);
      },
    );

    it('sorts by -createdAt by default, newest first', async () => {
      const { id: categoryId } = await h.given.category('Everything');
      const first = await h.given.product({ categoryId, name: 'First' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await h.given.product({ categoryId, name: 'Second' });
      const { items } = await search({});
      expect(items.map((item: Listed) => item.id)).toEqual([second.id, first.id]);
    });

    it('pages with limit (default 20) and answers nextCursor null on the last page', async () => {
      const { id: categoryId } = await h.given.category('Everything');
      for (let i = 0; i < 23; i++) await h.given.product({ categoryId, name: `P${i}` });
      const first = await search({});
      expect(first.items).toHaveLength(20);
      expect(typeof first.nextCursor).toBe('string');
      const second = await search({ cursor: first.nextCursor });
      expect(second).toEqual({ items: expect.any(Array), nextCursor: null });
      expect(second.items).toHaveLength(3);
      const exact = await search({ limit: 23 });
      expect(exact.nextCursor).toBeNull();
    });

    it.each<Sort>(['name', '-name', 'price', '-price', '-createdAt'])(
      'pages through %s without duplicates or gaps while products are added between pages',
      async (sort) => {
        const { id: categoryId } = await h.given.category('Everything');
        const amounts = [100, 200, 300];
        const words = ['alpha', 'Alpha', 'beta', 'gamma', 'delta'];
        const original: string[] = [];
        for (let i = 0; i < 17; i++) {
          const product = await h.given.product({
            categoryId,
            name: words[i % words.length],
            price: { amount: amounts[i % amounts.length] ?? 0, currency: 'EUR' },
          });
          original.push(product.id);
        }
        const added: string[] = [];
        const seen = await allPages({ sort, limit: 4, q: 'a' }, async (page) => {
          // One new row sorting before anything already listed, one after, one tying with existing keys.
          for (const [name, amount] of [
            ['aardvark', 1],
            ['zulu', 9_999],
            [words[page % words.length] ?? 'beta', 200],
          ] as const) {
            added.push((await h.given.product({ categoryId, name, price: { amount, currency: 'EUR' } })).id);
          }
        });
        const ids = seen.map((item) => item.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.filter((id) => original.includes(id)).sort()).toEqual([...original].sort());
        for (let i = 1; i < seen.length; i++) {
          expect(compare(seen[i - 1] as Listed, seen[i] as Listed, sort)).toBe(-1);
        }
        expect(ids.every((id) => original.includes(id) || added.includes(id))).toBe(true);
      },
    );

    it('answers 400 naming query.cursor for a cursor it did not issue for this sort', async () => {
      const { id: categoryId } = await h.given.category('Everything');
      for (let i = 0; i < 3; i++) await h.given.product({ categoryId, name: `P${i}` });
      const { nextCursor } = await search({ limit: 1, sort: 'price' });
      const tampered = [
        'garbage',
        `${nextCursor}x`,
        nextCursor.slice(1),
        Buffer.from(JSON.stringify(['price', 0, '5d0e4fc4-7f4c-4a57-9a0e-0d7e1c1f5c11'])).toString('base64url'),
        // A well-formed cursor whose body was edited but whose digest was kept.
        `${Buffer.from(JSON.stringify(['price', 1, '5d0e4fc4-7f4c-4a57-9a0e-0d7e1c1f5c11'])).toString('base64url')}.${nextCursor.split('.')[1]}`,
      ];
      for (const cursor of tampered) {
        const res = await h.request('GET', `/api/products?sort=price&limit=1&cursor=${encodeURIComponent(cursor)}`);
        const problem = await h.expectStatus(res, 400);
        expect(problem.errors).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
      }
      const otherSort = await h.request('GET', `/api/products?sort=name&cursor=${encodeURIComponent(nextCursor)}`);
      expect((await h.expectStatus(otherSort, 400)).errors[0].path).toBe('query.cursor');
    });

    it('answers 400 naming each bad parameter', async () => {
      const res = await h.request('GET', '/api/products?limit=0&sort=cheapest&minPrice=-1&categoryId=kitchen');
      const problem = await h.expectStatus(res, 400);
      expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        'query.categoryId',
        'query.limit',
        'query.minPrice',
        'query.sort',
      ]);
      expect((await h.request('GET', '/api/products?limit=101')).status).toBe(400);
      expect((await h.request('GET', '/api/products?limit=100')).status).toBe(200);
      const range = await h.request('GET', '/api/products?minPrice=500&maxPrice=100');
      expect((await h.expectStatus(range, 400)).errors[0].path).toBe('query.maxPrice');
    });
  });
}
