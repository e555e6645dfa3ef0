import type { Assessment, AssessmentRequest } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import { amountBucket, signalsOf } from '../domain/features';
import { scoreOrder } from '../domain/scorer';
import type { FraudDeps, StoredAssessment } from './ports';

export type AssessResult =
  /** Scored now. */
  | { outcome: 'assessed'; assessment: Assessment }
  /** The order was assessed before (a retried placement): its first assessment, counted once. */
  | { outcome: 'existing'; assessment: Assessment };

const answerOf = (stored: StoredAssessment): Assessment => ({
  orderId: stored.orderId,
  score: stored.score,
  reasons: stored.reasons,
  assessedAt: stored.assessedAt.toISOString(),
});

/**
 * Scores an order about to be placed and keeps the assessment. Idempotent on the order id: a retry (orders'
 * placement retried after a timeout, a second replica racing the first) gets the stored assessment back, whatever
 * its body says, and is never counted again in anyone's velocity. The reads are a few indexed queries, in the
 * transaction that inserts, behind the customer's counter (exact velocity under concurrency); the scoring itself is
 * pure and timed on its own.
 */
export async function assessOrder(
  ctx: HandlerContext,
  order: AssessmentRequest,
  deps: FraudDeps,
): Promise<AssessResult> {
  const existing = await deps.read((store) => store.assessment(order.orderId));
  if (existing) return { outcome: 'existing', assessment: answerOf(existing) };

  const placedAt = new Date(order.placedAt);
  const windowMs = deps.thresholds.windowMinutes * 60_000;
  const recorded = await deps.unitOfWork(async (store) => {
    // The customer's counter first: its row lock makes concurrent assessments of the customer (any replica) take
    // turns from here to the commit, so the window read below holds every assessment committed before this one.
    await store.countCustomerAssessment(order.customerId);
    const history = await store.history({
      customerId: order.customerId,
      cardFingerprint: order.card.fingerprint,
      currency: order.total.currency,
      from: new Date(placedAt.getTime() - windowMs),
      to: placedAt,
      orderId: order.orderId,
    });
    const startedAt = process.hrtime.bigint();
    const scored = scoreOrder(signalsOf(order, history, deps.weights), deps.thresholds, deps.weights);
    const scoringSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const assessment: StoredAssessment = {
      orderId: order.orderId,
      customerId: order.customerId,
      cardFingerprint: order.card.fingerprint,
      cardCountry: order.card.country ?? null,
      shippingCountry: order.shippingCountry,
      total: order.total,
      units: order.items.reduce((units, line) => units + line.quantity, 0),
      score: scored.score,
      reasons: scored.reasons,
      placedAt,
      assessedAt: deps.clock.now(),
    };
    // A twin request inserted first: everything here rolls back, the counter too.
    if (!(await store.insertAssessment(assessment))) return store.rollbackWith(undefined);
    await store.countShopAmount(order.total.currency, amountBucket(order.total.amount));
    return { assessment, scored, scoringSeconds };
  });
  if (!recorded) {
    // Its assessment is the order's.
    const stored = await deps.read((store) => store.assessment(order.orderId));
    if (!stored) throw new Error(`the assessment of order ${order.orderId} vanished`);
    return { outcome: 'existing', assessment: answerOf(stored) };
  }
  const { assessment, scored, scoringSeconds } = recorded;
  deps.observer.assessed(scored, scoringSeconds);
  ctx.log.info(
    { orderId: order.orderId, score: scored.score, reasons: scored.reasons, held: scored.held },
    'order assessed',
  );
  return { outcome: 'assessed', assessment: answerOf(assessment) };
}
