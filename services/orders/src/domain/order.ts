import type { Money, OrderStatusEvent } from '@shop/contracts';

export type OrderStatus = OrderStatusEvent['status'];
export type FailureReason = NonNullable<OrderStatusEvent['failureReason']>;

export interface OrderLine {
  productId: string;
  quantity: number;
  unitPrice: Money;
}

export interface ShippingAddress {
  line1: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: OrderLine[];
  total: Money;
  shippingAddress: ShippingAddress;
  paymentMethodId: string;
  cardLast4: string;
  failureReason: FailureReason | null;
  trackingNumber: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The order's life as data: which status may follow which. Every change goes through this table and is
 * written as a conditional UPDATE on the current status, so a late or duplicated event cannot move an order
 * backwards or twice.
 */
export const allowedTransitions: Record<OrderStatus, readonly OrderStatus[]> = {
  Pending: ['Paid', 'Failed', 'Cancelled', 'OnHold'],
  OnHold: ['Pending', 'Failed', 'Cancelled'],
  Paid: ['Shipped', 'Cancelled'],
  Shipped: ['Delivered'],
  Delivered: [],
  Failed: [],
  Cancelled: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return allowedTransitions[from].includes(to);
}

/** The statuses an order may be in for a move to `to`. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return (Object.keys(allowedTransitions) as OrderStatus[]).filter((from) => canMove(from, to));
}

export function totalOf(items: OrderLine[]): Money {
  const currency = items[0]?.unitPrice.currency ?? 'EUR';
  return { amount: items.reduce((sum, item) => sum + item.unitPrice.amount * item.quantity, 0), currency };
}

/** Lines for the same product are one line: inventory reserves per product. */
export function mergeLines(
  items: Array<{ productId: string; quantity: number }>,
): Array<{ productId: string; quantity: number }> {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

/** What clients see: never the payment method id, only the card's last four digits. */
export function orderView(order: Order) {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    items: order.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
    })),
    total: order.total,
    shippingAddress: order.shippingAddress,
    cardLast4: order.cardLast4,
    ...(order.failureReason ? { failureReason: order.failureReason } : {}),
    ...(order.trackingNumber ? { trackingNumber: order.trackingNumber } : {}),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
