/**
 * Exponential time decay by growing weights. Decaying every stored weight as time passes would rewrite the
 * whole model on every event; instead an event at instant t weighs 2^((t - base) / halfLife), so each newer
 * event weighs more than each older one by exactly the decay between them, and nothing stored is ever touched.
 * Every score the model answers is a ratio of such weights (cosine, shares), so the common factor cancels out.
 * The weights grow without end, so when an event's exponent passes `maxGrowthExponent` the base moves to that
 * event and everything stored is divided by the growth it had reached (a rebase): the ratios stay the same.
 */

/** 2^40 ≈ 1.1e12: far from a double's range, and a double keeps 15 digits of every weight below it. */
export const maxGrowthExponent = 40;

/** After a rebase, weights below this share of a new event's weight are forgotten (their rows dropped). */
export const forgottenBelow = 1e-9;

export interface EventWeight {
  /** What the event adds to every weight it touches. */
  weight: number;
  /** Present when the base moves first: divide everything stored by `divideBy`, then the base is `baseAtMs`. */
  rebase?: { divideBy: number; baseAtMs: number };
}

/** The weight of an event at `atMs` on a model whose base is `baseAtMs` (undefined: the model is empty). */
export function weightOfEvent(atMs: number, baseAtMs: number | undefined, halfLifeMs: number): EventWeight {
  if (baseAtMs === undefined) return { weight: 1, rebase: { divideBy: 1, baseAtMs: atMs } };
  const exponent = (atMs - baseAtMs) / halfLifeMs;
  if (exponent <= maxGrowthExponent) return { weight: 2 ** exponent };
  return { weight: 1, rebase: { divideBy: 2 ** exponent, baseAtMs: atMs } };
}
