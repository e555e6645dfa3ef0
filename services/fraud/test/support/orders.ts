import { randomUUID } from 'node:crypto';
import type { AssessmentRequest, Money } from '@shop/contracts';
import type { OrderSignals } from '../../src/domain/signals';

/** An order as orders asks for its assessment; small, domestic, one line, unless told otherwise. */
export function assessmentRequestFor(overrides: Partial<AssessmentRequest> = {}): AssessmentRequest {
  const total: Money = overrides.total ?? { amount: 4_999, currency: 'EUR' };
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total,
    items: [{ productId: randomUUID(), quantity: 1, unitPrice: total }],
    shippingCountry: 'DE',
    card: { fingerprint: `card-${randomUUID().slice(0, 8)}`, country: 'DE' },
    placedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** An order nothing speaks against: an old account, no history worth judging, domestic, one unit. */
export function quietSignals(overrides: Partial<OrderSignals> = {}): OrderSignals {
  return {
    total: { amount: 4_999, currency: 'EUR' },
    units: 1,
    customerOrdersInWindow: 0,
    cardOrdersInWindow: 0,
    customerDeclinesInWindow: 0,
    cardDeclinesInWindow: 0,
    accountAgeMinutes: 400 * 24 * 60,
    amountZForCustomer: null,
    shopAmountPercentile: null,
    countryMismatch: false,
    ...overrides,
  };
}
