import { assessmentAnswer, type RiskReason } from '@shop/contracts';
import { InvokeTimeoutError, type Mesh } from '@shop/kit';
import type { FraudScorer } from '../application/ports';

/**
 * The fraud service's `POST /internal/assessments`, within `timeoutMs` (FRAUD_SCORER_TIMEOUT_MS): an answer is used
 * only when it is a valid assessment of this very order; anything else is "unavailable", with its cause, and
 * placement scores the order by the contract's rules instead (assessOrder).
 */
export function meshFraudScorer(mesh: Mesh, { timeoutMs }: { timeoutMs: number }): FraudScorer {
  return {
    async assess(request) {
      let answer: Awaited<ReturnType<Mesh['invoke']>>;
      try {
        answer = await mesh.invoke('fraud', '/internal/assessments', { method: 'POST', body: request, timeoutMs });
      } catch (error) {
        return { unavailable: error instanceof InvokeTimeoutError ? 'timeout' : 'unreachable' };
      }
      if (answer.status !== 200 && answer.status !== 201) return { unavailable: 'failed' };
      const { value, error } = assessmentAnswer.validate(answer.body, { allowUnknown: true, stripUnknown: true });
      if (error || value.orderId !== request.orderId) return { unavailable: 'invalid-answer' };
      return { score: value.score, reasons: value.reasons as RiskReason[] };
    },
  };
}
