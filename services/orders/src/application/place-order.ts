import type { FieldError, HandlerContext } from '@shop/kit';
import { mergeLines, type Order, type OrderLine, type ShippingAddress, totalOf } from '../domain/order';
import { assessOrder, type RiskDecision } from './assess-order';
import { moveOrder } from './move-order';
import { orderPlaced } from './order-events';
import type { CardDetails, OrdersDeps, OrdersStore, VaultedCard } from './ports';

export interface PlaceOrder {
  /** Fixed before the first attempt (orderIdFor), so that a retry resumes the same order. */
  orderId: string;
  customerId: string;
  items: Array<{ productId: string; quantity: number }>;
  shippingAddress: ShippingAddress;
  payment: CardDetails;
}

export type PreparedOrder = { ok: true; order: Order; card: VaultedCard } | { ok: false; errors: FieldError[] };

export type PlacementResult =
  | { ok: true; order: Order; held: boolean }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'conflict' };

/**
 * Placement up to the point where the order can be recorded: prices and the vaulted card (prepareOrder), the fraud
 * review's score (assessOrder), then the order's payment opened at payments under the order's fixed id, told
 * whether the order is held for review. Every step is idempotent on that id, so a retry after any failure (payments
 * gone after opening the payment, a lost answer) resumes the same order and payment.
 * Recording the order (recordOrder) is the caller's last step, in the transaction that stores the idempotent answer.
 */
export async function placeOrder(
  ctx: HandlerContext,
  input: PlaceOrder,
  deps: Pick<OrdersDeps, 'prices' | 'paymentMethods' | 'clock' | 'fraud' | 'thresholds' | 'metrics' | 'unitOfWork'>,
): Promise<PlacementResult> {
  const prepared = await prepareOrder(ctx, input, deps);
  if (!prepared.ok) return { ok: false, reason: 'invalid', errors: prepared.errors };
  const risk: RiskDecision = await assessOrder(ctx, prepared, deps);
  const order: Order = { ...prepared.order, risk: { score: risk.score, reasons: risk.reasons } };
  const opened = await deps.paymentMethods.openPayment({
    orderId: order.id,
    customerId: order.customerId,
    total: order.total,
    paymentMethodId: order.paymentMethodId,
    review: risk.held,
  });
  if (opened === 'conflict') return { ok: false, reason: 'conflict' };
  return { ok: true, order, held: risk.held };
}

/**
 * Everything placement needs from other services, before any transaction: the catalog's current prices (the
 * client's are never asked for) and the card vaulted by payments (this service never holds the number).
 * Field errors name the request's fields, e.g. `body.items.1.productId` or `body.payment.cardNumber`.
 */
export async function prepareOrder(
  _ctx: HandlerContext,
  input: PlaceOrder,
  deps: Pick<OrdersDeps, 'prices' | 'paymentMethods' | 'clock'>,
): Promise<PreparedOrder> {
  const lines = mergeLines(input.items);
  const [prices, vaulted] = await Promise.all([
    deps.prices.pricesOf(lines.map((line) => line.productId)),
    deps.paymentMethods.vault(input.payment),
  ]);
  const errors: FieldError[] = [];
  const currency = prices.get(lines[0]?.productId ?? '')?.price.currency;
  input.items.forEach((item, index) => {
    const price = prices.get(item.productId);
    if (!price?.purchasable) {
      errors.push({ path: `body.items.${index}.productId`, message: 'is not a product on sale' });
    } else if (price.price.currency !== currency) {
      errors.push({
        path: `body.items.${index}.productId`,
        message: `is priced in ${price.price.currency}, not ${currency}`,
      });
    }
  });
  if (!vaulted.ok)
    errors.push(...vaulted.errors.map((error) => ({ ...error, path: error.path.replace(/^body\./, 'body.payment.') })));
  if (errors.length > 0 || !vaulted.ok) return { ok: false, errors };

  const items: OrderLine[] = lines.map((line) => ({
    ...line,
    unitPrice: (prices.get(line.productId) as NonNullable<ReturnType<typeof prices.get>>).price,
  }));
  const now = deps.clock.now();
  return {
    ok: true,
    order: {
      id: input.orderId,
      customerId: input.customerId,
      status: 'Pending',
      items,
      total: totalOf(items),
      shippingAddress: input.shippingAddress,
      paymentMethodId: vaulted.paymentMethodId,
      cardLast4: vaulted.last4,
      failureReason: null,
      trackingNumber: null,
      risk: null,
      review: null,
      createdAt: now,
      updatedAt: now,
    },
    card: vaulted,
  };
}

/**
 * Records the placed order and announces it; inventory reserves next, then payments charges. A held order is
 * recorded Pending and moved OnHold in the same transaction (order-placed, then order-held), so every consumer
 * sees one order life; payments authorizes it but captures only after an admin approves it.
 * Answers the order as placed (Pending): what the customer is told at placement.
 */
export async function recordOrder(
  ctx: HandlerContext,
  { order, held }: { order: Order; held: boolean },
  { store }: { store: OrdersStore },
): Promise<Order> {
  await store.orders.insert(order);
  const { topic, envelope } = orderPlaced(order);
  await store.outbox(topic, envelope);
  if (held) await moveOrder(ctx, { orderId: order.id, to: 'OnHold', at: order.createdAt }, { store });
  return order;
}
