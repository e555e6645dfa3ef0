import { randomUUID } from 'node:crypto';
import { createLogger, type HandlerContext } from '@shop/kit';
import { chargePayment } from '../src/application/charge-payment';
import type { PaymentStore, PaymentsDeps } from '../src/application/ports';
import { settleEndedOrder } from '../src/application/settle-ended-order';
import type { Payment, PaymentStatus } from '../src/domain/payment';

/**
 * The race a load run found on PostgreSQL: the order's payment is inserted by order-placed's transaction after
 * this transaction's claim found nothing and before its read finds the row. That payment is not settled: it is
 * early news, to be redelivered, never "nothing to do" (the order would stay Pending for good).
 */
function storeWhereThePaymentAppearsAfterTheClaim(status: PaymentStatus) {
  const now = new Date();
  const payment: Payment = {
    id: randomUUID(),
    orderId: randomUUID(),
    customerId: randomUUID(),
    status,
    amount: { amount: 1250, currency: 'EUR' },
    refundedAmount: 0,
    paymentMethodId: 'pm_1',
    cardBrand: null,
    cardLast4: null,
    authorizationId: null,
    captureId: null,
    failureReason: null,
    reviewRequired: false,
    createdAt: now,
    updatedAt: now,
  };
  const rolledBack: unknown[] = [];
  const unused = () => Promise.reject(new Error('not used by this path'));
  const store: PaymentStore = {
    payments: {
      claim: async () => null,
      byOrderId: async () => payment,
      byId: unused,
      insert: unused,
      move: unused,
      addRefunded: unused,
      setReviewRequired: unused,
      list: unused,
    },
    refunds: { insert: unused, listFor: unused },
    outbox: unused,
    rollbackWith: (value) => {
      rolledBack.push(value);
      return value;
    },
  };
  return { store, payment, rolledBack };
}

const ctx: HandlerContext = { log: createLogger({ name: 'late-payment-race', level: 'fatal' }) };
const deps = { clock: { now: () => new Date() } } as unknown as PaymentsDeps;

describe('a payment committed between the claim and the read', () => {
  it.each(['pending', 'authorized'] as const)('is retried by the charge when %s', async (status) => {
    const { store, payment, rolledBack } = storeWhereThePaymentAppearsAfterTheClaim(status);
    const result = await chargePayment(ctx, { orderId: payment.orderId }, { ...deps, store });
    expect(result).toEqual({ outcome: 'no-payment' });
    expect(rolledBack).toEqual([{ outcome: 'no-payment' }]);
  });

  it('is left alone by the charge once it is settled', async () => {
    const { store, payment, rolledBack } = storeWhereThePaymentAppearsAfterTheClaim('voided');
    expect(await chargePayment(ctx, { orderId: payment.orderId }, { ...deps, store })).toEqual({
      outcome: 'unchanged',
      status: 'voided',
    });
    expect(rolledBack).toEqual([]);
  });

  it.each(['pending', 'captured'] as const)('is retried by the ending of the order when %s', async (status) => {
    const { store, payment, rolledBack } = storeWhereThePaymentAppearsAfterTheClaim(status);
    const result = await settleEndedOrder(
      ctx,
      { orderId: payment.orderId, ending: 'order-failed' },
      { ...deps, store },
    );
    expect(result).toEqual({ outcome: 'no-payment' });
    expect(rolledBack).toHaveLength(1);
  });
});
