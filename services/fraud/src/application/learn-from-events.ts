import type { Money } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import { momentsOf } from '../domain/features';
import type { FraudStore } from './ports';

/** The handlers run in the event's transaction (the kit's inbox): each event is learnt from once. */
export interface InEventTransaction {
  store: FraudStore;
}

/** customers.customer-registered: the account's age is known from now on. */
export async function recordRegistration(
  _ctx: HandlerContext,
  input: { customerId: string; registeredAt: Date },
  deps: InEventTransaction,
): Promise<void> {
  await deps.store.registerCustomer(input.customerId, input.registeredAt);
}

export type PaidOutcome = 'learnt' | 'no-amount';

/**
 * orders.order-paid: one more paid amount in the customer's history. The event's total when it carries one (orders
 * fills it), else the total the order was assessed with; an order known by neither teaches nothing.
 */
export async function recordPaidOrder(
  _ctx: HandlerContext,
  input: { orderId: string; customerId: string; total?: Money },
  deps: InEventTransaction,
): Promise<PaidOutcome> {
  const total = input.total ?? (await deps.store.assessment(input.orderId))?.total;
  if (!total) return 'no-amount';
  await deps.store.addPaidAmount(input.customerId, total.currency, momentsOf(total.amount));
  return 'learnt';
}

export type DeclineOutcome = 'recorded' | 'duplicate' | 'unknown-order';

/**
 * payments.payment-failed: a decline for the customer and the card of the order's assessment. The assessment is
 * written before the order exists, so it is there for every order placed while the scorer answered; an order
 * placed while it did not (orders scored it alone) has none and never will: its decline is ignored rather than
 * retried until it lands in the dead letters (the event names neither customer nor card).
 */
export async function recordDecline(
  _ctx: HandlerContext,
  input: { orderId: string; failedAt: Date },
  deps: InEventTransaction,
): Promise<DeclineOutcome> {
  const assessment = await deps.store.assessment(input.orderId);
  if (!assessment) return 'unknown-order';
  const inserted = await deps.store.insertDecline({
    orderId: input.orderId,
    customerId: assessment.customerId,
    cardFingerprint: assessment.cardFingerprint,
    failedAt: input.failedAt,
  });
  return inserted ? 'recorded' : 'duplicate';
}
