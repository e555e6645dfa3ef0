import { accountStock, describeStockAccount, type FailedOrderOfProduct } from './stock-accounting';

const refused = (n: number): FailedOrderOfProduct[] =>
  Array.from({ length: n }, (_, i) => ({
    orderId: `refused-${i}`,
    failureReason: 'OutOfStock',
    quantity: 1,
    reservationStatus: 'rejected',
  }));
const gaveBack = (n: number, failureReason = 'PaymentDeclined'): FailedOrderOfProduct[] =>
  Array.from({ length: n }, (_, i) => ({
    orderId: `${failureReason}-${i}`,
    failureReason,
    quantity: 1,
    reservationStatus: 'released',
  }));

describe("the order bench's stock account", () => {
  it('balances a product that sold out exactly, its other orders refused for stock', () => {
    const account = accountStock({
      stock: 20,
      sold: 20,
      levels: { onHand: 0, reserved: 0, available: 0 },
      failed: refused(12),
    });
    expect(account.problems).toEqual([]);
    expect(describeStockAccount(account)).toBe('20 of 20 sold, 0 left; Failed: 12 OutOfStock');
  });

  it('balances units left over when Failed orders held them and gave them back, naming why they failed', () => {
    const account = accountStock({
      stock: 20,
      sold: 17,
      levels: { onHand: 3, reserved: 0, available: 3 },
      failed: [...refused(12), ...gaveBack(2), ...gaveBack(1, 'ReservationExpired')],
    });
    expect(account.problems).toEqual([]);
    expect(account.releasedByReason).toEqual({ PaymentDeclined: 2, ReservationExpired: 1 });
    expect(describeStockAccount(account)).toBe(
      '17 of 20 sold, 3 left; Failed: 12 OutOfStock, 2 PaymentDeclined (gave back 2 units), 1 ReservationExpired (gave back 1 unit)',
    );
  });

  it('refuses units left while orders were refused for stock and nothing gave them back', () => {
    const account = accountStock({
      stock: 20,
      sold: 18,
      levels: { onHand: 2, reserved: 0, available: 2 },
      failed: [...refused(13), ...gaveBack(1)],
    });
    expect(account.problems).toEqual([
      '13 order(s) refused OutOfStock while 2 unit(s) are left and Failed orders gave back only 1',
    ]);
  });

  it('refuses levels read while reservations are still on their way, and any oversell', () => {
    expect(
      accountStock({ stock: 20, sold: 16, levels: { onHand: 20, reserved: 4, available: 16 }, failed: refused(12) })
        .problems,
    ).toEqual([
      '4 still reserved once the orders settled',
      'on hand 20, available 16: expected 4 (20 − 16 sold)',
      '12 order(s) refused OutOfStock while 4 unit(s) are left and Failed orders gave back only 0',
    ]);
    expect(
      accountStock({ stock: 20, sold: 21, levels: { onHand: -1, reserved: 0, available: -1 }, failed: [] }).problems,
    ).toEqual(['oversold: 21 sold of 20']);
  });

  it('refuses an order failed for stock that held stock or has no refusal recorded, and a Failed order still holding its reservation', () => {
    const account = accountStock({
      stock: 20,
      sold: 19,
      levels: { onHand: 1, reserved: 0, available: 1 },
      failed: [
        { orderId: 'a', failureReason: 'OutOfStock', quantity: 1, reservationStatus: 'released' },
        { orderId: 'b', failureReason: 'PaymentDeclined', quantity: 1, reservationStatus: 'held' },
        { orderId: 'c', failureReason: 'OutOfStock', quantity: 1, reservationStatus: 'none' },
      ],
    });
    expect(account.problems).toEqual([
      'order a failed OutOfStock with a reservation released',
      'order b failed PaymentDeclined holding a reservation held',
      'order c failed OutOfStock with a reservation none',
      '2 order(s) refused OutOfStock while 1 unit(s) are left and Failed orders gave back only 0',
    ]);
  });
});
