import type { Money, OrderStatusEvent, RiskReason } from '@shop/contracts';

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

export type ReviewDecision = 'approve' | 'reject';

export const reviewLimits = {
  /** The longest note an admin may keep with a review. */
  reviewNoteLength: 500,
} as const;

/** An admin's decision on a held order, kept on the order. */
export interface OrderReview {
  decision: ReviewDecision;
  note: string | null;
  reviewerId: string;
  at: Date;
}

/** What the fraud review said at placement (null on orders placed before there was one). */
export interface OrderRisk {
  score: number;
  reasons: RiskReason[];
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
  risk: OrderRisk | null;
  review: OrderReview | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The order's life as data: which status may follow which. Every change goes through this table and is
 * written as a conditional UPDATE on the current status, so a late or duplicated event cannot move an order
 * backwards or twice.
 */
export const allowedTransitions: Record<OrderStatus, readonly OrderStatus[]> = {
  // A held order waits for review; it fails on OutOfStock or PaymentDeclined like a pending one, and may be cancelled.
  Pending: ['Paid', 'Failed', 'Cancelled', 'OnHold'],
  // Approved: Pending again (the saga goes on to capture); rejected: Failed with FraudSuspected.
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

/**
 * What clients see: never the payment method id, only the card's last four digits. The fraud review (score,
 * reasons, the admin's decision) is for admins only: a customer never learns how their order was scored.
 */
export function orderView(order: Order, viewer: { admin: boolean } = { admin: false }) {
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
    ...(viewer.admin ? reviewView(order) : {}),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

function reviewView(order: Order) {
  return {
    ...(order.risk ? { riskScore: order.risk.score, riskReasons: order.risk.reasons } : {}),
    ...(order.review
      ? {
          review: {
            decision: order.review.decision,
            ...(order.review.note ? { note: order.review.note } : {}),
            reviewerId: order.review.reviewerId,
            at: order.review.at.toISOString(),
          },
        }
      : {}),
  };
}
