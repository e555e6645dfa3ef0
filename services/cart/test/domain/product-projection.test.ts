import { randomUUID } from 'node:crypto';
import {
  type ProductChange,
  type ProjectedProduct,
  type ProjectedStock,
  productAfter,
  stockAfter,
} from '../../src/domain/product-projection';

const productId = randomUUID();
const facts = (amount: number, updatedAt: string, status: 'active' | 'archived' = 'active'): ProductChange => ({
  kind: 'facts',
  product: { productId, sku: 'MUG-1', name: 'Mug', price: { amount, currency: 'EUR' }, status, updatedAt },
});
const archived = (archivedAt: string): ProductChange => ({ kind: 'archived', productId, archivedAt });
const stock = (available: number, version: number): ProjectedStock => ({ productId, available, version });

/** The entry after the changes arrive in this order, each applied as the projection applies it. */
function projectProduct(changes: ProductChange[]): ProjectedProduct | undefined {
  return changes.reduce<ProjectedProduct | undefined>(
    (stored, change) => productAfter(stored, change) ?? stored,
    undefined,
  );
}
function projectStock(changes: ProjectedStock[]): ProjectedStock | undefined {
  return changes.reduce<ProjectedStock | undefined>(
    (stored, change) => stockAfter(stored, change) ?? stored,
    undefined,
  );
}

const t1 = '2026-12-07T10:00:00.000Z';
const t2 = '2026-12-07T10:00:01.000Z';
const t3 = '2026-12-07T10:00:02.000Z';

describe('the product entry keeps the newest', () => {
  it('keeps the later price whichever order the updates arrive in', () => {
    const inOrder = projectProduct([facts(100, t1), facts(200, t2), facts(300, t3)]);
    const shuffled = projectProduct([facts(300, t3), facts(100, t1), facts(200, t2)]);
    expect(inOrder?.price.amount).toBe(300);
    expect(shuffled).toEqual(inOrder);
  });

  it('changes nothing when an update is delivered again, even after a newer one', () => {
    const stored = projectProduct([facts(100, t1), facts(200, t2)]) as ProjectedProduct;
    expect(productAfter(stored, facts(200, t2))).toBeUndefined();
    expect(productAfter(stored, facts(100, t1))).toBeUndefined();
  });

  it("orders two changes within one millisecond by the catalog's version, whichever arrives first", () => {
    const versioned = (amount: number, version: number): ProductChange => {
      const change = facts(amount, t1) as Extract<ProductChange, { kind: 'facts' }>;
      return { kind: 'facts', product: { ...change.product, version } };
    };
    expect(projectProduct([versioned(100, 2), versioned(200, 3)])?.price.amount).toBe(200);
    expect(projectProduct([versioned(200, 3), versioned(100, 2)])?.price.amount).toBe(200);
    // The same version again changes nothing; an event from before versions falls back to its instant.
    const stored = projectProduct([versioned(200, 3)]) as ProjectedProduct;
    expect(productAfter(stored, versioned(200, 3))).toBeUndefined();
    expect(productAfter(stored, facts(300, t1))).toBeUndefined();
    expect(productAfter(stored, facts(300, t2))).toMatchObject({ price: { amount: 300 } });
  });

  it('keeps an archive over facts of the active product that arrive later, even with a later instant', () => {
    const stored = projectProduct([facts(100, t1), archived(t2)]);
    expect(stored).toMatchObject({ status: 'archived', updatedAt: t2, price: { amount: 100 } });
    expect(productAfter(stored, facts(200, t1))).toBeUndefined();
    // Archiving is final in the catalog: active facts stamped later can only be a clock's doing, never a revival.
    expect(productAfter(stored, facts(200, t3))).toBeUndefined();
  });

  it('archives on an archive that overtook the update before it, keeping the facts it has', () => {
    expect(projectProduct([facts(100, t1), archived(t3), facts(200, t2)])).toEqual({
      ...(facts(100, t1) as { product: ProjectedProduct }).product,
      status: 'archived',
      updatedAt: t3,
    });
  });

  it('cannot archive what it has no facts of: the caller asks the catalog', () => {
    expect(productAfter(undefined, archived(t2))).toBeUndefined();
  });

  it('takes archived facts (the catalog lookup of an archived product) over active ones', () => {
    expect(projectProduct([facts(100, t2), facts(100, t1, 'archived')])?.status).toBe('archived');
  });
});

describe('the stock entry keeps the highest version', () => {
  it('ends on the highest version whichever order the changes arrive in', () => {
    const changes = [stock(10, 1), stock(9, 2), stock(7, 3), stock(8, 4)];
    for (const order of [changes, [...changes].reverse(), [changes[2], changes[0], changes[3], changes[1]]]) {
      expect(projectStock(order as ProjectedStock[])).toEqual(stock(8, 4));
    }
  });

  it('changes nothing on a redelivery or an older version', () => {
    expect(stockAfter(stock(7, 3), stock(7, 3))).toBeUndefined();
    expect(stockAfter(stock(7, 3), stock(9, 2))).toBeUndefined();
    expect(stockAfter(stock(7, 3), stock(0, 4))).toEqual(stock(0, 4));
  });
});
