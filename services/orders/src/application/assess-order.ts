import { type AssessmentRequest, contractRuleBounds, type RiskReason } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import type { Order } from '../domain/order';
import type { OrdersDeps, VaultedCard } from './ports';

export interface RiskDecision {
  score: number;
  reasons: RiskReason[];
  /** The score reached FRAUD_REVIEW_SCORE: the order is recorded OnHold and its payment is not captured. */
  held: boolean;
}

/**
 * Scores an order about to be placed. The fraud service answers within the placement's budget; when it cannot
 * (down, too slow, failing, an answer that is not an assessment), orders applies the contract's rules alone on
 * what it owns: the total, and the customer's orders in the window from its own table (declines are the scorer's
 * knowledge: unknown here, counted as none). The score is then the rules' floor: a rule's hold score when one
 * holds the order, else 0. So the contract's holds never depend on the scorer, and its soft signals fail open.
 */
export async function assessOrder(
  _ctx: HandlerContext,
  { order, card }: { order: Order; card: VaultedCard },
  deps: Pick<OrdersDeps, 'fraud' | 'thresholds' | 'metrics' | 'unitOfWork'>,
): Promise<RiskDecision> {
  const answer = await deps.fraud.assess(assessmentRequestOf(order, card));
  const decide = (score: number, reasons: RiskReason[]) => ({
    score,
    reasons,
    held: score >= deps.thresholds.reviewScore,
  });
  if ('score' in answer) return decide(answer.score, answer.reasons);

  deps.metrics.scorerFallback(answer.unavailable);
  const since = new Date(order.createdAt.getTime() - deps.thresholds.windowMinutes * 60_000);
  const priorOrdersInWindow = await deps.unitOfWork((store) =>
    store.orders.countPlacedSince(order.customerId, since, order.id),
  );
  const bounds = contractRuleBounds({ total: order.total, priorOrdersInWindow, declinesInWindow: 0 }, deps.thresholds);
  return decide(bounds.floor, [...bounds.reasons, 'scorer-unavailable']);
}

function assessmentRequestOf(order: Order, card: VaultedCard): AssessmentRequest {
  return {
    orderId: order.id,
    customerId: order.customerId,
    total: order.total,
    items: order.items.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice })),
    shippingCountry: order.shippingAddress.country,
    card: { fingerprint: card.fingerprint, ...(card.country ? { country: card.country } : {}) },
    placedAt: order.createdAt.toISOString(),
  };
}
