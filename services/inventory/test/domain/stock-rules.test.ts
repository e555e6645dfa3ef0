import { normalizeLines } from '../../src/domain/reservation';
import { crossedLowStock, levelsOf } from '../../src/domain/stock-levels';

describe('stock levels', () => {
  it('derives available from on hand minus reserved', () => {
    expect(levelsOf({ productId: 'p', onHand: 10, reserved: 3 })).toEqual({
      productId: 'p',
      onHand: 10,
      reserved: 3,
      available: 7,
    });
  });

  it('counts a low-stock crossing only when available falls from above the threshold to at or below it', () => {
    expect(crossedLowStock(6, 5, 5)).toBe(true);
    expect(crossedLowStock(20, 0, 5)).toBe(true);
    expect(crossedLowStock(5, 4, 5)).toBe(false);
    expect(crossedLowStock(7, 6, 5)).toBe(false);
    expect(crossedLowStock(4, 6, 5)).toBe(false);
  });
});

describe('reservation lines', () => {
  it('sums lines of the same product and orders them by product id, the order rows are locked in', () => {
    expect(
      normalizeLines([
        { productId: 'b', quantity: 1 },
        { productId: 'a', quantity: 2 },
        { productId: 'b', quantity: 3 },
      ]),
    ).toEqual([
      { productId: 'a', quantity: 2 },
      { productId: 'b', quantity: 4 },
    ]);
  });
});
