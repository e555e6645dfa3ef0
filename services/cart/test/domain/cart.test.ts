import {
  cartEtag,
  cartOrEmpty,
  checkoutUnderWay,
  customerCartId,
  emptyCart,
  guestCartId,
  isRefusal,
  maxLines,
  mergeLines,
  parseGuestCartId,
  removeLine,
  type StoredCart,
  setLine,
} from '../../src/domain/cart';
import { cartView } from '../../src/domain/cart-view';
import type { ProductFacts } from '../../src/domain/product-facts';

const now = new Date('2026-12-07T10:00:00.000Z');
const later = new Date('2026-12-07T11:00:00.000Z');
const p1 = '11111111-1111-4111-8111-111111111111';
const p2 = '22222222-2222-4222-8222-222222222222';
const p3 = '33333333-3333-4333-8333-333333333333';
const guestId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

const customerRef = { kind: 'customer', customerId: 'customer-1' } as const;
const guestRef = { kind: 'guest', cartId: guestId } as const;

function cartWith(lines: Array<[string, number]>, base: StoredCart = emptyCart(customerRef, now)): StoredCart {
  return {
    ...base,
    revision: 'r1',
    lines: lines.map(([productId, quantity]) => ({ productId, quantity, addedAt: now.toISOString() })),
  };
}

function expectCart(value: StoredCart | ReturnType<typeof setLine>): StoredCart {
  if (isRefusal(value)) throw new Error(`refused: ${value.detail}`);
  return value;
}

describe('cart ids', () => {
  it("names a customer's cart by a stable name-based UUID of the customer id", () => {
    expect(customerCartId('customer-1')).toBe(customerCartId('customer-1'));
    expect(customerCartId('customer-1')).not.toBe(customerCartId('customer-2'));
    expect(customerCartId('customer-1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('formats 16 random bytes as a lowercase 8-4-4-4-12 guest cart id, all 128 bits kept', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(guestCartId(bytes)).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(() => guestCartId(new Uint8Array(15))).toThrow('16 random bytes');
  });

  it('reads a guest cart id from a path in any case, and nothing that is not one', () => {
    expect(parseGuestCartId('AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE')).toBe(guestId);
    expect(parseGuestCartId(guestId)).toBe(guestId);
    expect(parseGuestCartId('not-a-cart')).toBeUndefined();
    expect(parseGuestCartId(`${guestId}0`)).toBeUndefined();
    expect(parseGuestCartId(undefined)).toBeUndefined();
  });
});

describe('a cart with no entry', () => {
  it('is an empty cart for a customer, with the ETag "empty"', () => {
    const cart = expectCart(cartOrEmpty(customerRef, undefined, now));
    expect(cart).toMatchObject({ id: customerCartId('customer-1'), kind: 'customer', lines: [] });
    expect(cartEtag(undefined)).toBe('"empty"');
    expect(cartEtag(cart)).toBe('"empty"');
  });

  it('does not exist for a guest', () => {
    expect(cartOrEmpty(guestRef, undefined, now)).toMatchObject({ refused: 'not-found' });
  });
});

describe('setting a line', () => {
  it('appends a new product with the time it was added', () => {
    const cart = expectCart(setLine(cartWith([[p1, 1]]), p2, 3, later));
    expect(cart.lines).toEqual([
      { productId: p1, quantity: 1, addedAt: now.toISOString() },
      { productId: p2, quantity: 3, addedAt: later.toISOString() },
    ]);
  });

  it("replaces an existing line's quantity and keeps when it was added", () => {
    const cart = expectCart(setLine(cartWith([[p1, 1]]), p1, 7, later));
    expect(cart.lines).toEqual([{ productId: p1, quantity: 7, addedAt: now.toISOString() }]);
  });

  it('gives back the same cart when the quantity is already that (nothing to write)', () => {
    const cart = cartWith([[p1, 4]]);
    expect(setLine(cart, p1, 4, later)).toBe(cart);
  });

  it.each([0, 100, -1, 1.5, Number.NaN])('refuses quantity %p as invalid, naming body.quantity', (quantity) => {
    expect(setLine(cartWith([]), p1, quantity, now)).toMatchObject({
      refused: 'invalid',
      errors: [{ path: 'body.quantity' }],
    });
  });

  it('accepts the bounds 1 and 99', () => {
    expect(expectCart(setLine(cartWith([]), p1, 1, now)).lines[0]?.quantity).toBe(1);
    expect(expectCart(setLine(cartWith([]), p1, 99, now)).lines[0]?.quantity).toBe(99);
  });

  it(`refuses a product beyond ${maxLines} different ones, not a change of an existing line`, () => {
    const full = cartWith(
      Array.from({ length: maxLines }, (_, i) => [`${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`, 1]),
    );
    expect(setLine(full, p1, 1, now)).toMatchObject({ refused: 'conflict' });
    const firstProduct = full.lines[0]?.productId ?? '';
    expect(expectCart(setLine(full, firstProduct, 2, now)).lines[0]?.quantity).toBe(2);
  });
});

describe('removing a line', () => {
  it('takes the product out', () => {
    expect(
      removeLine(
        cartWith([
          [p1, 1],
          [p2, 2],
        ]),
        p1,
      ).lines.map((line) => line.productId),
    ).toEqual([p2]);
  });

  it('gives back the same cart when the product is not in it', () => {
    const cart = cartWith([[p1, 1]]);
    expect(removeLine(cart, p2)).toBe(cart);
  });
});

describe('merging a guest cart into a customer cart', () => {
  it('sums the quantities of a product in both, capped at 99, and appends the others with their own added time', () => {
    const customer = cartWith([
      [p1, 60],
      [p2, 1],
    ]);
    const guestLines = [
      { productId: p1, quantity: 50, addedAt: later.toISOString() },
      { productId: p2, quantity: 2, addedAt: later.toISOString() },
      { productId: p3, quantity: 5, addedAt: later.toISOString() },
    ];
    const merged = expectCart(mergeLines(customer, guestLines));
    expect(merged.lines).toEqual([
      { productId: p1, quantity: 99, addedAt: now.toISOString() },
      { productId: p2, quantity: 3, addedAt: now.toISOString() },
      { productId: p3, quantity: 5, addedAt: later.toISOString() },
    ]);
    // The customer's cart as given is not changed.
    expect(customer.lines[0]?.quantity).toBe(60);
  });

  it(`refuses a merge that would hold more than ${maxLines} different products`, () => {
    const customer = cartWith(
      Array.from({ length: maxLines }, (_, i) => [`${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`, 1]),
    );
    expect(mergeLines(customer, [{ productId: p1, quantity: 1, addedAt: now.toISOString() }])).toMatchObject({
      refused: 'conflict',
    });
  });
});

describe('the checkout lease', () => {
  const leased = (expiresAt: string): StoredCart => ({
    ...cartWith([[p1, 1]]),
    checkout: { idempotencyKey: 'k', requestHash: 'h', orderId: 'o', expiresAt },
  });

  it('holds the cart until it expires', () => {
    expect(checkoutUnderWay(leased('2026-12-07T10:00:01.000Z'), now)).toBe(true);
    expect(checkoutUnderWay(leased('2026-12-07T10:00:00.000Z'), now)).toBe(false);
    expect(checkoutUnderWay(cartWith([[p1, 1]]), now)).toBe(false);
    expect(checkoutUnderWay(undefined, now)).toBe(false);
  });
});

describe('the cart answer', () => {
  const facts = new Map<string, ProductFacts>([
    [
      p1,
      {
        productId: p1,
        sku: 'SKU-1',
        name: 'One',
        price: { amount: 250, currency: 'EUR' },
        status: 'active',
        available: 10,
      },
    ],
    [
      p2,
      {
        productId: p2,
        sku: 'SKU-2',
        name: 'Two',
        price: { amount: 1_000, currency: 'EUR' },
        status: 'archived',
        available: 5,
      },
    ],
  ]);

  it('shows current names, prices and availability, line totals, the total and the item count', () => {
    const view = cartView(
      {
        ...cartWith([
          [p1, 3],
          [p2, 2],
        ]),
        updatedAt: later.toISOString(),
      },
      facts,
      {
        guestCartTtlSeconds: 86_400,
      },
    );
    expect(view).toEqual({
      id: customerCartId('customer-1'),
      items: [
        {
          productId: p1,
          sku: 'SKU-1',
          name: 'One',
          quantity: 3,
          unitPrice: { amount: 250, currency: 'EUR' },
          lineTotal: { amount: 750, currency: 'EUR' },
          available: 10,
          status: 'active',
        },
        // An archived product is shown as unavailable.
        {
          productId: p2,
          sku: 'SKU-2',
          name: 'Two',
          quantity: 2,
          unitPrice: { amount: 1_000, currency: 'EUR' },
          lineTotal: { amount: 2_000, currency: 'EUR' },
          available: 0,
          status: 'archived',
        },
      ],
      total: { amount: 2_750, currency: 'EUR' },
      itemCount: 5,
      updatedAt: later.toISOString(),
    });
  });

  it('gives a guest cart the time it expires: the TTL after its last write', () => {
    const guest = { ...cartWith([[p1, 1]], emptyCart(guestRef, now)), updatedAt: later.toISOString() };
    const view = cartView(guest, facts, { guestCartTtlSeconds: 86_400 });
    expect(view.id).toBe(guestId);
    expect(view.expiresAt).toBe('2026-12-08T11:00:00.000Z');
  });

  it("answers a customer's cart never written as empty, in EUR, as of the answer's instant", () => {
    expect(cartView(emptyCart(customerRef, now), facts, { guestCartTtlSeconds: 1 })).toEqual({
      id: customerCartId('customer-1'),
      items: [],
      total: { amount: 0, currency: 'EUR' },
      itemCount: 0,
      updatedAt: now.toISOString(),
    });
  });

  it('leaves out a line whose product the catalog does not know rather than show it without a price', () => {
    const view = cartView(
      cartWith([
        [p1, 1],
        [p3, 4],
      ]),
      facts,
      { guestCartTtlSeconds: 1 },
    );
    expect(view.items.map((item) => item.productId)).toEqual([p1]);
    expect(view.itemCount).toBe(1);
  });
});
