// The order bench's stock check, as a pure function of what the run left: the product's levels once every
// reservation settled, its Paid orders, and each of its Failed orders with its failure reason and reservation.
// "Units left while orders were refused" is only legitimate when each such unit came back from an order that held
// it and then failed for another reason (a declined payment, an expiry, a rejected review): this says so, or why not.

/** A product's levels as `GET /api/inventory/:productId` answers them. */
export interface StockLevels {
  onHand: number;
  reserved: number;
  available: number;
}

/** A Failed order of the product, with what inventory recorded for it (`GET /api/inventory/reservations/:orderId`). */
export interface FailedOrderOfProduct {
  orderId: string;
  failureReason: string;
  /** The order's quantity of the product. */
  quantity: number;
  /**
   * The reservation's status: `rejected` (never held stock), `released` or `expired` (held it, gave it back), or
   * `none` when inventory has no reservation for the order (it never got that far).
   */
  reservationStatus: string;
}

export interface StockAccount {
  stock: number;
  sold: number;
  left: number;
  /** Units that Failed orders held and gave back, by failure reason. */
  releasedByReason: Record<string, number>;
  /** Failed orders by failure reason. */
  failedByReason: Record<string, number>;
  /** Why the account does not balance; empty when it does. */
  problems: string[];
}

const heldNothing = new Set(['rejected', 'none']);
const gaveBack = new Set(['released', 'expired']);

/**
 * Balances one product's stock: on hand is the stock less what Paid orders took, nothing is still reserved, an
 * order refused for stock never held any and every other Failed order held its units and gave them back, and when
 * an order was refused for stock, every unit left over is one that a Failed order gave back after holding it.
 */
export function accountStock(input: {
  stock: number;
  sold: number;
  levels: StockLevels;
  failed: FailedOrderOfProduct[];
}): StockAccount {
  const { stock, sold, levels, failed } = input;
  const problems: string[] = [];
  const left = stock - sold;
  if (sold > stock) problems.push(`oversold: ${sold} sold of ${stock}`);
  if (levels.reserved !== 0) problems.push(`${levels.reserved} still reserved once the orders settled`);
  if (levels.onHand !== left || levels.available !== left) {
    problems.push(
      `on hand ${levels.onHand}, available ${levels.available}: expected ${left} (${stock} − ${sold} sold)`,
    );
  }
  const failedByReason: Record<string, number> = {};
  const releasedByReason: Record<string, number> = {};
  let released = 0;
  let refusedForStock = 0;
  for (const order of failed) {
    failedByReason[order.failureReason] = (failedByReason[order.failureReason] ?? 0) + 1;
    if (order.failureReason === 'OutOfStock') {
      refusedForStock++;
      // Inventory records the refusal it announced: a reservation `rejected`, never none.
      if (order.reservationStatus !== 'rejected') {
        problems.push(`order ${order.orderId} failed OutOfStock with a reservation ${order.reservationStatus}`);
      }
    } else if (gaveBack.has(order.reservationStatus)) {
      released += order.quantity;
      releasedByReason[order.failureReason] = (releasedByReason[order.failureReason] ?? 0) + order.quantity;
    } else if (!heldNothing.has(order.reservationStatus)) {
      problems.push(
        `order ${order.orderId} failed ${order.failureReason} holding a reservation ${order.reservationStatus}`,
      );
    }
  }
  // A refusal means every unit was held or sold at that moment: a unit left now was given back after it.
  if (refusedForStock > 0 && left > released) {
    problems.push(
      `${refusedForStock} order(s) refused OutOfStock while ${left} unit(s) are left and Failed orders gave back only ${released}`,
    );
  }
  return { stock, sold, left, releasedByReason, failedByReason, problems };
}

/** One line for the bench's output: what was sold, what is left and why the Failed orders failed. */
export function describeStockAccount(account: StockAccount): string {
  const reasons = Object.entries(account.failedByReason)
    .map(([reason, count]) => {
      const released = account.releasedByReason[reason];
      return `${count} ${reason}${released ? ` (gave back ${released} unit${released === 1 ? '' : 's'})` : ''}`;
    })
    .join(', ');
  return `${account.sold} of ${account.stock} sold, ${account.left} left; Failed: ${reasons || 'none'}`;
}
