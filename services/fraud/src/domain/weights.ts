import type { RiskReason } from '@shop/contracts';

/** One step of a signal: at or above `atLeast`, the signal is worth `points` (the highest step reached counts). */
export interface Step {
  atLeast: number;
  points: number;
}

/**
 * The points of each soft signal. Chosen so that one soft signal alone never holds an order (each ≤ 45 < 70) and
 * the planted patterns of the benchmark (bench/scenarios/fraud-scoring.ts) cross 70 by their combination: an
 * account taken over (new, country mismatch, big basket), card testing (declines on one card, then velocity).
 * services/fraud/README.md lists them with the reasoning.
 */
export interface ScoringWeights {
  /** Prior orders of the customer in the window (the contract's rule at the velocity limit is separate). */
  customerVelocity: Step[];
  cardVelocity: Step[];
  /** Spreads above the customer's usual (log) amount. */
  amountForCustomer: Step[];
  /** Percentile among the shop's orders in the currency. */
  amountForShop: Step[];
  /** Account age in minutes: the youngest step that applies counts (steps below `under`). */
  newAccount: Array<{ under: number; points: number }>;
  unknownAccountAge: number;
  customerDeclines: Step[];
  cardDeclines: Step[];
  countryMismatch: number;
  manyUnits: Step[];
  /** Fewest paid orders (in the currency) before a customer's usual amount is judged. */
  customerHistoryMinimum: number;
  /** Fewest assessed orders (in the currency) before the shop's distribution is judged. */
  shopHistoryMinimum: number;
}

export const defaultWeights: ScoringWeights = {
  customerVelocity: [
    { atLeast: 3, points: 15 },
    { atLeast: 4, points: 25 },
  ],
  cardVelocity: [
    { atLeast: 3, points: 20 },
    { atLeast: 6, points: 40 },
  ],
  amountForCustomer: [
    { atLeast: 2, points: 15 },
    { atLeast: 3, points: 25 },
  ],
  amountForShop: [
    { atLeast: 0.95, points: 10 },
    { atLeast: 0.99, points: 20 },
  ],
  newAccount: [
    { under: 60, points: 25 },
    { under: 24 * 60, points: 15 },
    { under: 7 * 24 * 60, points: 5 },
  ],
  unknownAccountAge: 5,
  customerDeclines: [
    { atLeast: 1, points: 20 },
    { atLeast: 3, points: 35 },
  ],
  cardDeclines: [
    { atLeast: 1, points: 25 },
    { atLeast: 3, points: 45 },
  ],
  countryMismatch: 25,
  manyUnits: [
    { atLeast: 10, points: 10 },
    { atLeast: 30, points: 20 },
  ],
  customerHistoryMinimum: 3,
  shopHistoryMinimum: 50,
};

/** A signal that scored, and what it was worth. */
export interface ScoredSignal {
  reason: RiskReason;
  points: number;
}
