import { type AssessmentRequest, assessmentAnswer, assessmentRequest } from '@shop/contracts';
import { type ApiRoutes, handlerContext } from '@shop/kit';
import { assessOrder } from '../application/assess-order';
import type { FraudDeps } from '../application/ports';

/**
 * What orders asks of fraud while it places an order, by service invocation, before the order is recorded. Under
 * /internal, outside the public paths: the edge (the Ingress) never routes a client here, and beside a sidecar the
 * kit answers it only to the sidecar's token.
 */
export function assessmentRoutes(api: ApiRoutes, deps: FraudDeps): void {
  api.post(
    '/internal/assessments',
    {
      summary: 'Score an order about to be placed (idempotent on orderId)',
      access: 'internal',
      request: { body: assessmentRequest },
      responses: {
        201: { description: 'Assessed now', body: assessmentAnswer },
        200: { description: 'Assessed before (a retried placement): the first assessment', body: assessmentAnswer },
        400: { description: 'A problem naming each bad field (body.orderId, body.total.amount, …)' },
      },
    },
    async (ctx) => {
      const result = await assessOrder(handlerContext(ctx), ctx.request.body as AssessmentRequest, deps);
      ctx.status = result.outcome === 'assessed' ? 201 : 200;
      ctx.body = result.assessment;
    },
  );
}
