import type { Money } from '@shop/contracts';

/**
 * What the scorer knows of an order: the order itself and what the fraud service learnt before it (its own
 * assessments, paid orders, registrations, declines). Unknown is `null`, never a guess: an unknown signal adds
 * nothing, or the small weight its table says.
 */
export interface OrderSignals {
  total: Money;
  /** Units over all lines. */
  units: number;
  /** The customer's assessed orders within the window before this one. */
  customerOrdersInWindow: number;
  /** Orders on the same card (any customer) within the window before this one. */
  cardOrdersInWindow: number;
  /** The customer's declined payments within the window. */
  customerDeclinesInWindow: number;
  /** Declined payments of the same card (any customer) within the window. */
  cardDeclinesInWindow: number;
  /** Minutes since the customer registered; null when the registration was never heard of. */
  accountAgeMinutes: number | null;
  /**
   * How many spreads the total's logarithm lies above the mean of the customer's paid orders in its currency;
   * null while the customer has too few paid orders to tell.
   */
  amountZForCustomer: number | null;
  /** The total's percentile (0..1) among the shop's assessed orders in its currency; null while too few. */
  shopAmountPercentile: number | null;
  /** Shipping country differs from the card's issuing country; null when the card's country is unknown. */
  countryMismatch: boolean | null;
}
